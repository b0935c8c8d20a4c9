namespace LeastPriv.Emulator.Recording;

/// <summary>Holds every record produced so far (LookupEvents reads it; delivery drains its own queue).</summary>
public sealed class EventRecorder
{
    private readonly List<RecordedEvent> _events = [];
    private readonly Lock _gate = new();

    public event Action<RecordedEvent>? Recorded;

    public void Add(RecordedEvent recorded)
    {
        lock (_gate)
        {
            _events.Add(recorded);
        }

        Recorded?.Invoke(recorded);
    }

    public IReadOnlyList<RecordedEvent> Snapshot()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }
}
