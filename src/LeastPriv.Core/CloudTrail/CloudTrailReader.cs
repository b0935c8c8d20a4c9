using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Reads CloudTrail records from many sources at once (up to
/// <see cref="CloudTrailReaderOptions.MaxDegreeOfParallelism"/> files in parallel, one thread
/// each). A damaged, empty or unreadable source is a non-terminating error: the records before
/// the damage are kept, the read goes on with the next source, and one warning at the end
/// counts the sources that could not be read completely (also on <see cref="CloudTrailReadResult"/>).
/// </summary>
public static class CloudTrailReader
{
    private const int ProgressActivityId = 0x4C50;
    private const string ProgressActivity = "Reading CloudTrail logs";

    /// <summary>Says (Debug) how records of other principals will be passed over, for whoever compares speeds.</summary>
    private static void ReportScan(CloudTrailFilter.Compiled filter, CloudTrailReaderOptions options, IEngineReporter reporter)
    {
        if (options.ScanRecordArrays && filter.RequiredText is not null)
        {
            reporter.Debug($"Records that cannot name the principal are recognised by the {options.Kernels} record scan and not parsed.");
        }
    }

    /// <summary>
    /// Streams the matching records in a fixed order (sources in the given order, records in
    /// source order) while later sources are read ahead in parallel. Memory stays bounded: at
    /// most twice the parallelism of sources are in flight, each buffering at most
    /// <see cref="CloudTrailReaderOptions.StreamingBufferPerFile"/> records.
    /// </summary>
    public static async IAsyncEnumerable<CloudTrailRecord> ReadAsync(
        IReadOnlyList<CloudTrailSource> sources,
        CloudTrailFilter filter,
        CloudTrailReaderOptions? options,
        IEngineReporter reporter,
        CloudTrailReadResult? result = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var compiled = filter.GetCompiled();
        options ??= CloudTrailReaderOptions.Default;
        ReportScan(compiled, options, reporter);
        result ??= new CloudTrailReadResult();
        result.FilesTotal = sources.Count;
        var report = new SynchronizedReporter(reporter);
        var progress = new FileProgress(report, sources.Count);
        if (sources.Count == 0)
        {
            yield break;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var parallelism = Math.Min(options.EffectiveParallelism, sources.Count);
        using var window = new SemaphoreSlim(parallelism * 2);
        var slots = new Slot[sources.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new Slot(options.StreamingBufferPerFile);
        }

        var next = -1;
        var workers = new Task[parallelism];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(
                () =>
                {
                    using var parser = new CloudTrailStreamParser(options, compiled);
                    while (true)
                    {
                        // Taking a window place before an index keeps read-ahead bounded and in order.
                        window.Wait(token);
                        var index = Interlocked.Increment(ref next);
                        if (index >= slots.Length)
                        {
                            window.Release();
                            return;
                        }

                        var slot = slots[index];
                        try
                        {
                            var writer = slot.Records.Writer;
                            slot.Outcome = ReadOne(parser, sources[index], record =>
                            {
                                if (!writer.TryWrite(record))
                                {
                                    writer.WriteAsync(record, token).AsTask().GetAwaiter().GetResult();
                                }
                            }, token);
                            writer.TryComplete();
                        }
                        catch (Exception ex)
                        {
                            slot.Records.Writer.TryComplete(ex);
                            throw;
                        }
                    }
                },
                token,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        try
        {
            for (var i = 0; i < slots.Length; i++)
            {
                var reader = slots[i].Records.Reader;
                while (await reader.WaitToReadAsync(token).ConfigureAwait(false))
                {
                    while (reader.TryRead(out var record))
                    {
                        yield return record;
                    }
                }

                var outcome = slots[i].Outcome!;
                slots[i] = null!;
                window.Release();
                result.Add(sources[i].Name, outcome);
                if (outcome.Error is not null)
                {
                    report.Error(outcome.Error);
                }

                progress.FileDone(sources[i].Name);
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                await Task.WhenAll(workers).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The consumer stopped (or a worker failed, which its slot already carried): nothing is left to report.
            }
        }

        Finish(result, report, progress);
    }

    /// <summary>
    /// The high-throughput path: every matching record of every source goes to
    /// <paramref name="body"/> on one of the reading threads, with that thread's own state from
    /// <paramref name="init"/>; each state is passed to <paramref name="merge"/> (one call at a
    /// time) when its thread has no more sources. Records of one source arrive in order on one
    /// thread; the order across sources is not fixed. Errors are reported in source order at the end.
    /// </summary>
    public static async Task<CloudTrailReadResult> ForEachRecordAsync<TState>(
        IReadOnlyList<CloudTrailSource> sources,
        CloudTrailFilter filter,
        CloudTrailReaderOptions? options,
        Func<TState> init,
        Action<CloudTrailRecord, TState> body,
        Action<TState> merge,
        IEngineReporter reporter,
        CancellationToken cancellationToken)
    {
        var compiled = filter.GetCompiled();
        options ??= CloudTrailReaderOptions.Default;
        ReportScan(compiled, options, reporter);
        var result = new CloudTrailReadResult { FilesTotal = sources.Count };
        var report = new SynchronizedReporter(reporter);
        var progress = new FileProgress(report, sources.Count);
        var outcomes = new SourceOutcome?[sources.Count];
        var next = -1;
        var mergeGate = new object();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        var workers = new Task[Math.Max(1, Math.Min(options.EffectiveParallelism, sources.Count))];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(
                () =>
                {
                    try
                    {
                        var state = init();
                        using var parser = new CloudTrailStreamParser(options, compiled);
                        Action<CloudTrailRecord> sink = record => body(record, state);
                        int index;
                        while ((index = Interlocked.Increment(ref next)) < sources.Count)
                        {
                            token.ThrowIfCancellationRequested();
                            outcomes[index] = ReadOne(parser, sources[index], sink, token);
                            progress.FileDone(sources[index].Name);
                        }

                        lock (mergeGate)
                        {
                            merge(state);
                        }
                    }
                    catch
                    {
                        // One failing body stops the others instead of letting them read on.
                        stop.Cancel();
                        throw;
                    }
                },
                token,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Cancelled by a failing worker: surface that worker's exception, not the cancellation.
            var failure = workers.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException);
            if (failure is not null)
            {
                ExceptionDispatchInfoThrow(failure);
            }

            throw;
        }

        for (var i = 0; i < outcomes.Length; i++)
        {
            var outcome = outcomes[i]!;
            result.Add(sources[i].Name, outcome);
            if (outcome.Error is not null)
            {
                report.Error(outcome.Error);
            }
        }

        Finish(result, report, progress);
        return result;
    }

    /// <summary>
    /// Parses one stream on the calling thread (a downloaded S3 object, a LookupEvents page).
    /// Damage is reported through <paramref name="reporter"/> and counted on the result.
    /// </summary>
    public static CloudTrailReadResult ReadStream(
        Stream stream,
        string sourceName,
        CloudTrailFilter filter,
        CloudTrailReaderOptions? options,
        Action<CloudTrailRecord> onRecord,
        IEngineReporter reporter,
        CancellationToken cancellationToken)
    {
        var compiled = filter.GetCompiled();
        var result = new CloudTrailReadResult { FilesTotal = 1 };
        using var parser = new CloudTrailStreamParser(options ?? CloudTrailReaderOptions.Default, compiled);
        var outcome = parser.Parse(stream, sourceName, onRecord, cancellationToken);
        result.Add(sourceName, outcome);
        if (outcome.Error is not null)
        {
            reporter.Error(outcome.Error);
        }

        return result;
    }

    private static SourceOutcome ReadOne(CloudTrailStreamParser parser, CloudTrailSource source, Action<CloudTrailRecord> sink, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = source.OpenAsync(cancellationToken).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new SourceOutcome { Error = CloudTrailErrors.Unreadable(source.Name, ex) };
        }

        return parser.Parse(stream, source.Name, sink, cancellationToken);
    }

    private static void Finish(CloudTrailReadResult result, IEngineReporter report, FileProgress progress)
    {
        result.SortProblemFiles();
        progress.Complete();
        var problems = result.FilesDamaged + result.FilesEmpty;
        if (problems > 0)
        {
            report.Warning(
                $"{problems} of {result.FilesTotal} CloudTrail files could not be read completely ({result.FilesDamaged} damaged or unreadable, {result.FilesEmpty} empty); "
                + $"the events read may be incomplete. {result.RecordsMatched} records were read from the rest.");
        }
    }

    private static void ExceptionDispatchInfoThrow(Exception ex) =>
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex).Throw();

    private sealed class Slot
    {
        public Slot(int capacity)
        {
            Records = Channel.CreateBounded<CloudTrailRecord>(new BoundedChannelOptions(Math.Max(1, capacity))
            {
                SingleReader = true,
                SingleWriter = true,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }

        public Channel<CloudTrailRecord> Records { get; }

        public SourceOutcome? Outcome { get; set; }
    }

    /// <summary>Progress by files done, at most a few updates a second.</summary>
    private sealed class FileProgress
    {
        private readonly IEngineReporter _reporter;
        private readonly int _total;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _lastTick = -1000;
        private int _done;

        public FileProgress(IEngineReporter reporter, int total)
        {
            _reporter = reporter;
            _total = total;
        }

        public void FileDone(string name)
        {
            var done = Interlocked.Increment(ref _done);
            var now = _clock.ElapsedMilliseconds;
            var last = Interlocked.Read(ref _lastTick);
            if (now - last < 250 || Interlocked.CompareExchange(ref _lastTick, now, last) != last)
            {
                return;
            }

            _reporter.Progress(new ProgressReport(ProgressActivityId, ProgressActivity, $"{done} of {_total} files", _total == 0 ? -1 : (int)(done * 100L / _total))
            {
                CurrentOperation = name,
            });
        }

        public void Complete() =>
            _reporter.Progress(new ProgressReport(ProgressActivityId, ProgressActivity, $"{_done} of {_total} files", 100, completed: true));
    }

    /// <summary>Reading threads report concurrently; callers' reporters need not be thread-safe.</summary>
    private sealed class SynchronizedReporter : IEngineReporter
    {
        private readonly IEngineReporter _inner;
        private readonly object _gate = new();

        public SynchronizedReporter(IEngineReporter inner)
        {
            _inner = inner;
        }

        public void Progress(ProgressReport report)
        {
            lock (_gate)
            {
                _inner.Progress(report);
            }
        }

        public void Warning(string message)
        {
            lock (_gate)
            {
                _inner.Warning(message);
            }
        }

        public void Verbose(string message)
        {
            lock (_gate)
            {
                _inner.Verbose(message);
            }
        }

        public void Debug(string message)
        {
            lock (_gate)
            {
                _inner.Debug(message);
            }
        }

        public void Error(LeastPrivException error)
        {
            lock (_gate)
            {
                _inner.Error(error);
            }
        }

        public bool ShouldProcess(string target, string action)
        {
            lock (_gate)
            {
                return _inner.ShouldProcess(target, action);
            }
        }
    }
}
