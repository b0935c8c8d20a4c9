namespace LeastPriv.Core.Reporting;

/// <summary>
/// A long wait that polls a probe until it yields a result. Every wait of the engine that waits
/// on AWS (a trail's delivery, a policy generation job, new credentials) has the same contract:
/// progress under one stable activity id, a status per poll (the probe reports it through
/// <see cref="PollAttempt.Report"/>), and a Completed record however the wait ends (result,
/// timeout, an error of the probe, Ctrl+C); back-off between polls (<see cref="Schedule"/>); an
/// optional <see cref="Deadline"/>; the cancellation token passed to the probe and to every delay.
/// </summary>
public sealed class PolledWait
{
    /// <summary>Status of the Completed record that ends every wait.</summary>
    public const string CompletedStatus = "Done";

    private readonly IEngineReporter _reporter;

    public PolledWait(IEngineReporter reporter, int activityId, string activity)
    {
        _reporter = reporter;
        ActivityId = activityId;
        Activity = activity;
    }

    /// <summary>The stable progress activity id of this wait.</summary>
    public int ActivityId { get; }

    public string Activity { get; }

    public PollSchedule Schedule { get; init; } = PollSchedule.Default;

    /// <summary>When the wait gives up with the timeout's error; null waits until the probe yields or the token is cancelled.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>
    /// True (the default): after a poll that did not yield, gives up when the next poll would come
    /// after <see cref="Deadline"/>, so the wait never outlasts it. False: gives up only after a poll
    /// that ended at or after the deadline, so the last poll may come up to one delay past it (new
    /// credentials, which may start to work at any moment).
    /// </summary>
    public bool StopBeforeDeadline { get; init; } = true;

    internal PollClock Clock { get; init; } = PollClock.System;

    /// <summary>
    /// Polls until <paramref name="probe"/> returns a result (null: not yet). Past the deadline it
    /// throws what <paramref name="timedOut"/> makes of the time waited. An exception of the probe
    /// and cancellation end the wait as they are. <paramref name="retrying"/>, when given, hears
    /// of each delay before it is waited.
    /// </summary>
    public async Task<T> RunAsync<T>(
        Func<PollAttempt, CancellationToken, Task<T?>> probe,
        Func<TimeSpan, Exception> timedOut,
        CancellationToken cancellationToken,
        Action<TimeSpan>? retrying = null)
        where T : class
    {
        var started = Clock.UtcNow;
        var delay = Schedule.Initial;
        try
        {
            for (var number = 1; ; number++)
            {
                var result = await probe(new PollAttempt(this, number, started), cancellationToken).ConfigureAwait(false);
                if (result is not null)
                {
                    return result;
                }

                var now = Clock.UtcNow;
                if (Deadline is { } deadline && (StopBeforeDeadline ? now + delay > deadline : now >= deadline))
                {
                    throw timedOut(now - started);
                }

                retrying?.Invoke(delay);
                await Clock.DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                delay = Schedule.Next(delay);
            }
        }
        finally
        {
            _reporter.Progress(new ProgressReport(ActivityId, Activity, CompletedStatus, 100, completed: true));
        }
    }

    internal void Report(string status) => _reporter.Progress(new ProgressReport(ActivityId, Activity, status));
}
