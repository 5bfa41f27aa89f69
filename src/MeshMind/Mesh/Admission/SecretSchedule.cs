namespace MeshMind.Mesh.Admission;

/// <summary>One accepted secret's row in <c>mesh_secrets</c>: when it became current, and when it stops being accepted (if it does).</summary>
internal sealed record SecretSchedule(string SecretId, DateTimeOffset Since, DateTimeOffset? DropAt);
