namespace MeshMind.Lab.Eval;

/// <summary>Why the evaluation cannot go on, in one sentence for the person who ran it.</summary>
internal sealed class EvalException(string message) : Exception(message);
