namespace LeastPriv.Core.Reporting;

/// <summary>The time and the delays of a <see cref="PolledWait"/>: the system's, or a test's own.</summary>
internal class PollClock
{
    public static PollClock System { get; } = new();

    public virtual DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public virtual Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);
}
