namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Counts for one read. A generator sets its result's IsComplete to false when
/// <see cref="IsComplete"/> is false: some input could not be read, so events may be missing.
/// Filled while the read runs; final once it has finished.
/// </summary>
public sealed class CloudTrailReadResult
{
    private readonly List<string> _damaged = new();
    private readonly object _gate = new();
    private long _recordsRead;
    private long _recordsMatched;
    private long _valuesIgnored;
    private int _filesRead;
    private int _filesDamaged;
    private int _filesEmpty;

    public int FilesTotal { get; internal set; }

    /// <summary>Files read to their end without damage.</summary>
    public int FilesRead => _filesRead;

    /// <summary>Files with malformed, truncated or non-UTF-8 content (records before the damage were kept).</summary>
    public int FilesDamaged => _filesDamaged;

    public int FilesEmpty => _filesEmpty;

    /// <summary>CloudTrail digest files passed over while resolving paths (they hold no events).</summary>
    public int DigestFilesSkipped { get; internal set; }

    /// <summary>All records parsed, matching or not.</summary>
    public long RecordsRead => Interlocked.Read(ref _recordsRead);

    /// <summary>Records that passed the filter and were delivered.</summary>
    public long RecordsMatched => Interlocked.Read(ref _recordsMatched);

    /// <summary>JSON values in record positions that were not CloudTrail records.</summary>
    public long ValuesIgnored => Interlocked.Read(ref _valuesIgnored);

    /// <summary>Sources that were damaged or empty, in path order.</summary>
    public IReadOnlyList<string> ProblemFiles
    {
        get
        {
            lock (_gate)
            {
                return _damaged.ToArray();
            }
        }
    }

    /// <summary>False when a file was damaged or empty: the events read may be incomplete.</summary>
    public bool IsComplete => FilesDamaged == 0 && FilesEmpty == 0;

    internal void Add(string source, SourceOutcome outcome)
    {
        Interlocked.Add(ref _recordsRead, outcome.RecordsRead);
        Interlocked.Add(ref _recordsMatched, outcome.RecordsMatched);
        Interlocked.Add(ref _valuesIgnored, outcome.ValuesIgnored);
        if (outcome.Error is null)
        {
            Interlocked.Increment(ref _filesRead);
            return;
        }

        if (outcome.IsEmpty)
        {
            Interlocked.Increment(ref _filesEmpty);
        }
        else
        {
            Interlocked.Increment(ref _filesDamaged);
        }

        lock (_gate)
        {
            _damaged.Add(source);
        }
    }

    internal void SortProblemFiles()
    {
        lock (_gate)
        {
            _damaged.Sort(StringComparer.Ordinal);
        }
    }
}
