namespace LeastPriv.Core.CloudTrail;

/// <summary>What a read materialises and how wide it runs. Defaults are the cheap ones.</summary>
public sealed class CloudTrailReaderOptions
{
    public static CloudTrailReaderOptions Default { get; } = new();

    /// <summary>Fill <see cref="CloudTrailRecord.RawJson"/> with the record's own JSON text.</summary>
    public bool KeepRawJson { get; init; }

    /// <summary>Fill <see cref="CloudTrailRecord.RequestParametersJson"/> (the local generator needs it for resource ARNs).</summary>
    public bool CaptureRequestParameters { get; init; }

    /// <summary>Fill <see cref="CloudTrailRecord.ResponseElementsJson"/>.</summary>
    public bool CaptureResponseElements { get; init; }

    /// <summary>Fill <see cref="CloudTrailRecord.AdditionalEventDataJson"/>.</summary>
    public bool CaptureAdditionalEventData { get; init; }

    /// <summary>Files read at once; 0 means <see cref="Environment.ProcessorCount"/>.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// JSON nesting allowed. CloudTrail records nest far less than this; deeper input is treated
    /// as a damaged file instead of recursing without bound.
    /// </summary>
    public int MaxDepth { get; init; } = 256;

    /// <summary>Largest single record (or non-record top-level value) held in memory, in bytes.</summary>
    public int MaxRecordBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Records buffered per file by the ordered streaming reader before it waits for the consumer.</summary>
    public int StreamingBufferPerFile { get; init; } = 512;

    /// <summary>
    /// Lets the reader find the records of an array by a structural scan and drop, before
    /// tokenizing them, those whose text cannot hold the filter's principal. Off only to compare
    /// with the full parse.
    /// </summary>
    internal bool ScanRecordArrays { get; init; } = true;

    /// <summary>The scan's loops: the process's own unless a test or a benchmark compares them.</summary>
    internal ScanKernels Kernels { get; init; } = ScanKernels.Current;

    /// <summary>Size of the decompressed-data buffer a parser starts with (it grows only for a larger record).</summary>
    internal int InitialBufferBytes { get; init; } = 1024 * 1024;

    internal int EffectiveParallelism => MaxDegreeOfParallelism > 0 ? MaxDegreeOfParallelism : Math.Max(1, Environment.ProcessorCount);
}
