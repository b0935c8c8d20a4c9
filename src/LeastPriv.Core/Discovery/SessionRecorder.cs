using LeastPriv.Core.Aws;

namespace LeastPriv.Core.Discovery;

/// <summary>
/// Keeps a session's manifest on disk in step with AWS: an entry is saved as Planned before the
/// call that creates the resource, and saved again with the outcome. Saves ignore cancellation:
/// a Ctrl+C between the call and the save must still leave a manifest cleanup can work from.
/// </summary>
public sealed class SessionRecorder
{
    private readonly SessionStore _store;

    public SessionRecorder(SessionStore store, SessionManifest manifest)
    {
        _store = store;
        Manifest = manifest;
    }

    public SessionManifest Manifest { get; }

    public void Save() => _store.Save(Manifest);

    /// <summary>Records the resource as Planned and saves, before the AWS call.</summary>
    public ManifestResource Plan(DiscoveryResourceType type, string? name, string? parent = null, string? arn = null, bool adopted = false)
    {
        var now = DateTimeOffset.UtcNow;
        var entry = new ManifestResource
        {
            Type = type,
            Name = name,
            Parent = parent,
            Arn = arn,
            State = DiscoveryResourceState.Planned,
            Adopted = adopted,
            PlannedAt = now,
            UpdatedAt = now,
        };
        Manifest.Resources.Add(entry);
        Save();
        return entry;
    }

    public void Mark(ManifestResource entry, DiscoveryResourceState state, string? error = null)
    {
        entry.State = state;
        entry.Error = error;
        entry.UpdatedAt = DateTimeOffset.UtcNow;
        Save();
    }

    /// <summary>
    /// Runs one create call between a Planned save and an outcome save. A failure is recorded as
    /// Failed (the resource may exist partially) and rethrown; cancellation leaves it Planned.
    /// </summary>
    public async Task<T> CreateAsync<T>(ManifestResource entry, Func<Task<T>> create, Action<T>? onCreated = null)
    {
        T value;
        try
        {
            value = await create().ConfigureAwait(false);
        }
        catch (LeastPrivException ex)
        {
            Mark(entry, DiscoveryResourceState.Failed, ex.Message);
            throw;
        }

        onCreated?.Invoke(value);
        Mark(entry, DiscoveryResourceState.Created);
        return value;
    }

    public Task CreateAsync(ManifestResource entry, Func<Task> create)
        => CreateAsync<bool>(entry, async () =>
        {
            await create().ConfigureAwait(false);
            return true;
        });

    /// <summary>The session tag.</summary>
    public AwsTag SessionTag => new(DiscoveryValidation.SessionTagKey, Manifest.SessionId);
}
