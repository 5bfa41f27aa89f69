namespace MeshMind.Testing.Chaos;

/// <summary>
/// How long a churn run lasts: it kills hosts until both <see cref="MinKills"/> kills were made and <see cref="MinChats"/>
/// chats were sent. <see cref="Clients"/> clients chat at once, spread over the two client nodes and the three APIs.
/// </summary>
public sealed record ChurnOptions(int MinKills, int MinChats, int Clients = 6, int? Seed = null);
