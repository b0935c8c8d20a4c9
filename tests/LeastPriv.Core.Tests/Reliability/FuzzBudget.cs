using System.Diagnostics;
using System.Globalization;

namespace LeastPriv.Core.Tests.Reliability;

/// <summary>
/// How long each fuzz test runs: <see cref="CiSeconds"/> by default (all fuzz tests together stay
/// under a minute), or LEASTPRIV_FUZZ_SECONDS for a long run on demand. Counts the inputs tried
/// and watches every input: one that runs longer than <see cref="PerInputLimit"/> fails the test.
/// </summary>
internal sealed class FuzzBudget
{
    public const int CiSeconds = 12;

    /// <summary>No single input may take longer than this (the inputs are at most a few hundred KB).</summary>
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromSeconds(5);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _executions;
    private long _slowestTicks;
    private string? _slowest;

    public static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("LEASTPRIV_FUZZ_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s > 0
            ? s
            : CiSeconds;

    public long Executions => Interlocked.Read(ref _executions);

    public TimeSpan Elapsed => _clock.Elapsed;

    public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    /// <summary>Runs one input, timing it; the slowest input is kept for the report.</summary>
    public void Run(string describe, Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        watch.Stop();
        Interlocked.Increment(ref _executions);
        if (watch.Elapsed.Ticks > Interlocked.Read(ref _slowestTicks))
        {
            Interlocked.Exchange(ref _slowestTicks, watch.Elapsed.Ticks);
            _slowest = describe;
        }

        if (watch.Elapsed > PerInputLimit)
        {
            throw new TimeoutException($"One input took {watch.Elapsed.TotalSeconds:F1} s (limit {PerInputLimit.TotalSeconds} s): {describe}");
        }
    }

    /// <summary>
    /// Runs the whole sample on its own thread and fails if it does not come back within the
    /// budget plus a margin: a hung input cannot hang the test run.
    /// </summary>
    public void RunAll(Action sample)
    {
        var work = Task.Factory.StartNew(sample, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var limit = TimeSpan.FromSeconds(Seconds) + PerInputLimit + TimeSpan.FromSeconds(30);
        if (!work.Wait(limit))
        {
            throw new TimeoutException($"The fuzz run did not finish within {limit.TotalSeconds} s; slowest input so far: {_slowest}");
        }

        work.GetAwaiter().GetResult();
    }

    public string Summary(string what) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}: {Executions:N0} executions in {Elapsed.TotalSeconds:F1} s ({Executions / Math.Max(Elapsed.TotalSeconds, 0.001):N0}/s), slowest input {Slowest.TotalMilliseconds:F0} ms, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB");
}
