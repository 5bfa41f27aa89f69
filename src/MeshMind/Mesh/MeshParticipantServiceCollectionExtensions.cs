using System.Diagnostics.CodeAnalysis;
using MeshMind.Mesh.Links;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeshMind.Mesh;

internal static class MeshParticipantServiceCollectionExtensions
{
    /// <summary>Registers <typeparamref name="T"/> (a singleton) as a participant of the mesh, owning <paramref name="messages"/>.</summary>
    public static IServiceCollection AddMeshParticipant<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(this IServiceCollection services, params LinkMessageType[] messages)
        where T : class, IMeshParticipant
    {
        services.TryAddSingleton<T>();
        services.AddSingleton<IMeshParticipant>(provider => provider.GetRequiredService<T>());
        foreach (var message in messages)
        {
            services.AddSingleton(new ParticipantMessage(message, typeof(T)));
        }

        return services;
    }
}

/// <summary>A message type and the participant that owns it.</summary>
internal sealed record ParticipantMessage(LinkMessageType Message, Type Owner);
