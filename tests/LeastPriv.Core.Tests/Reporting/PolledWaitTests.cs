using LeastPriv.Core.Reporting;
using LeastPriv.Core.Tests.Discovery;
using Xunit;

namespace LeastPriv.Core.Tests.Reporting;

public sealed class PolledWaitTests
{
    private const int ActivityId = 0x4C5F;
    private const string Activity = "Waiting for something";

    [Fact]
    public async Task RunAsync_ProbeYieldsOnThirdPoll_ReturnsItWithAStatusPerPollAndOneCompletedRecordLast()
    {
        var reporter = new RecordingReporter();
        var clock = new FakeClock();
        var wait = new PolledWait(reporter, ActivityId, Activity) { Clock = clock };

        var result = await wait.RunAsync(
            (poll, _) =>
            {
                poll.Report($"poll {poll.Number} at {poll.Elapsed.TotalSeconds:0.#}s");
                return Task.FromResult(poll.Number == 3 ? "ready" : null);
            },
            _ => new InvalidOperationException("no deadline was set"),
            CancellationToken.None);

        Assert.Equal("ready", result);
        Assert.Equal(
            new[] { "poll 1 at 0s", "poll 2 at 2s", "poll 3 at 5s", PolledWait.CompletedStatus },
            reporter.ProgressReports.Select(p => p.Status));
        Assert.All(reporter.ProgressReports, p => Assert.Equal(ActivityId, p.ActivityId));
        Assert.All(reporter.ProgressReports, p => Assert.Equal(Activity, p.Activity));
        Assert.Equal(new[] { false, false, false, true }, reporter.ProgressReports.Select(p => p.Completed));
        Assert.Equal(100, reporter.ProgressReports[^1].PercentComplete);
    }

    [Fact]
    public async Task RunAsync_NoDeadline_BacksOffByTheFactorUpToTheMax()
    {
        var clock = new FakeClock();
        var wait = new PolledWait(new RecordingReporter(), ActivityId, Activity)
        {
            Clock = clock,
            Schedule = new PollSchedule { Initial = TimeSpan.FromSeconds(1), Factor = 2, Max = TimeSpan.FromSeconds(5) },
        };

        await wait.RunAsync(
            (poll, _) => Task.FromResult(poll.Number == 8 ? "ready" : null),
            _ => new InvalidOperationException("no deadline was set"),
            CancellationToken.None);

        Assert.Equal(new[] { 1.0, 2, 4, 5, 5, 5, 5 }, clock.Delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public async Task RunAsync_DeadlineReached_ThrowsTheTimeoutErrorInsteadOfWaitingPastIt()
    {
        var reporter = new RecordingReporter();
        var clock = new FakeClock();
        var wait = new PolledWait(reporter, ActivityId, Activity) { Clock = clock, Deadline = clock.Now + TimeSpan.FromSeconds(10) };
        TimeSpan? waited = null;
        var polls = 0;

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => wait.RunAsync(
            (poll, _) =>
            {
                polls = poll.Number;
                return Task.FromResult<string?>(null);
            },
            elapsed =>
            {
                waited = elapsed;
                return new LeastPrivException("SomethingTimeout", LPErrorCategory.OperationTimeout, "still waiting");
            },
            CancellationToken.None));

        // Default schedule (2 s, x1.5): polls at 0, 2, 5 and 9.5 s; the next would come at 16.25 s.
        Assert.Equal("SomethingTimeout", ex.ErrorId);
        Assert.Equal(4, polls);
        Assert.Equal(new[] { 2.0, 3, 4.5 }, clock.Delays.Select(d => d.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(9.5), waited);
        Assert.True(clock.Now <= wait.Deadline);
        Assert.True(reporter.ProgressReports[^1].Completed);
    }

    [Fact]
    public async Task RunAsync_StopBeforeDeadlineOff_PollsUntilAPollEndsPastTheDeadlineAndAnnouncesEachDelay()
    {
        var reporter = new RecordingReporter();
        var clock = new FakeClock();
        var wait = new PolledWait(reporter, ActivityId, Activity)
        {
            Clock = clock,
            Schedule = new PollSchedule { Initial = TimeSpan.FromMilliseconds(500), Factor = 2, Max = TimeSpan.FromSeconds(4) },
            Deadline = clock.Now + TimeSpan.FromSeconds(1),
            StopBeforeDeadline = false,
        };
        var announced = new List<TimeSpan>();
        var polls = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => wait.RunAsync(
            (poll, _) =>
            {
                polls = poll.Number;
                return Task.FromResult<string?>(null);
            },
            _ => new TimeoutException(),
            CancellationToken.None,
            announced.Add));

        // Polls at 0, 0.5 and 1.5 s: the last one starts after the deadline, and no delay follows it.
        Assert.Equal(3, polls);
        Assert.Equal(new[] { 0.5, 1 }, announced.Select(d => d.TotalSeconds));
        Assert.Equal(announced, clock.Delays);
        Assert.True(reporter.ProgressReports[^1].Completed);
    }

    [Fact]
    public async Task RunAsync_ProbeThrows_PropagatesItAsItIsAndStillWritesTheCompletedRecord()
    {
        var reporter = new RecordingReporter();
        var clock = new FakeClock();
        var wait = new PolledWait(reporter, ActivityId, Activity) { Clock = clock, Deadline = clock.Now + TimeSpan.FromMinutes(5) };
        var failure = new LeastPrivException("TrailNotLogging", LPErrorCategory.InvalidOperation, "not logging");
        var timeouts = 0;

        var ex = await Assert.ThrowsAsync<LeastPrivException>(() => wait.RunAsync<string>(
            (poll, _) =>
            {
                poll.Report($"poll {poll.Number}");
                return poll.Number == 2 ? throw failure : Task.FromResult<string?>(null);
            },
            _ =>
            {
                timeouts++;
                return new TimeoutException();
            },
            CancellationToken.None));

        Assert.Same(failure, ex);
        Assert.Equal(0, timeouts);
        Assert.Equal(new[] { "poll 1", "poll 2", PolledWait.CompletedStatus }, reporter.ProgressReports.Select(p => p.Status));
        Assert.True(reporter.ProgressReports[^1].Completed);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaitingBetweenPolls_EndsWithCancellationAndTheCompletedRecord()
    {
        // The system clock: a real delay of a minute, which the token must cut short.
        var reporter = new RecordingReporter();
        var wait = new PolledWait(reporter, ActivityId, Activity)
        {
            Schedule = new PollSchedule { Initial = TimeSpan.FromMinutes(1) },
            Deadline = DateTimeOffset.UtcNow + TimeSpan.FromHours(1),
        };
        using var cts = new CancellationTokenSource();
        var tokens = new List<CancellationToken>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.RunAsync(
            (poll, ct) =>
            {
                tokens.Add(ct);
                cts.Cancel();
                return Task.FromResult<string?>(null);
            },
            _ => new TimeoutException(),
            cts.Token));

        Assert.Equal(new[] { cts.Token }, tokens);
        Assert.True(reporter.ProgressReports[^1].Completed);
        Assert.Equal(ActivityId, reporter.ProgressReports[^1].ActivityId);
    }

    [Fact]
    public async Task RunAsync_ProbeCancelled_PropagatesTheCancellationAndWritesTheCompletedRecord()
    {
        var reporter = new RecordingReporter();
        var wait = new PolledWait(reporter, ActivityId, Activity) { Clock = new FakeClock() };
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.RunAsync<string>(
            async (_, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return "never";
            },
            _ => new TimeoutException(),
            cts.Token));

        Assert.True(Assert.Single(reporter.ProgressReports).Completed);
    }

    /// <summary>Time that moves only when the wait delays; every delay is kept.</summary>
    private sealed class FakeClock : PollClock
    {
        public DateTimeOffset Now { get; private set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public List<TimeSpan> Delays { get; } = new();

        public override DateTimeOffset UtcNow => Now;

        public override Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Delays.Add(delay);
            Now += delay;
            return Task.CompletedTask;
        }
    }
}
