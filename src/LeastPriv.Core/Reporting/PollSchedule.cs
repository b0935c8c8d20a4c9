namespace LeastPriv.Core.Reporting;

/// <summary>How often a wait polls: from <see cref="Initial"/>, times <see cref="Factor"/> per poll, up to <see cref="Max"/>.</summary>
public sealed class PollSchedule
{
    public static PollSchedule Default { get; } = new();

    public TimeSpan Initial { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Max { get; init; } = TimeSpan.FromSeconds(30);

    public double Factor { get; init; } = 1.5;

    public TimeSpan Next(TimeSpan current) =>
        TimeSpan.FromMilliseconds(Math.Min(Max.TotalMilliseconds, current.TotalMilliseconds * Factor));
}
