namespace LeastPriv.Core.Reporting;

/// <summary>One poll of a <see cref="PolledWait"/>, as its probe sees it.</summary>
public sealed class PollAttempt
{
    private readonly PolledWait _wait;

    internal PollAttempt(PolledWait wait, int number, DateTimeOffset started)
    {
        _wait = wait;
        Number = number;
        Started = started;
    }

    /// <summary>1 for the first poll.</summary>
    public int Number { get; }

    /// <summary>When the wait began.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The wait's clock, read now.</summary>
    public DateTimeOffset Now => _wait.Clock.UtcNow;

    /// <summary>The time since the wait began, read now.</summary>
    public TimeSpan Elapsed => Now - Started;

    /// <summary>Reports this poll's status under the wait's activity.</summary>
    public void Report(string status) => _wait.Report(status);
}
