namespace LeastPriv.Core.CloudTrail;

/// <summary>
/// Something CloudTrail records can be read from: a file on disk, an S3 object, a LookupEvents
/// page. The parser only needs a stream of the raw bytes (gzip or not) and a name for messages.
/// </summary>
public abstract class CloudTrailSource
{
    protected CloudTrailSource(string name)
    {
        Name = name;
    }

    /// <summary>Path or URI shown in errors and in <see cref="CloudTrailRecord.SourceLocation"/>.</summary>
    public string Name { get; }

    /// <summary>Opens the raw content. Called once, on a reader thread.</summary>
    public abstract Task<Stream> OpenAsync(CancellationToken cancellationToken);

    public static CloudTrailSource FromFile(string path) => new FileSource(path);

    /// <summary>A source whose bytes come from <paramref name="open"/> (an S3 GetObject body, a response page).</summary>
    public static CloudTrailSource FromStream(string name, Func<CancellationToken, Task<Stream>> open) => new DelegateSource(name, open);

    public override string ToString() => Name;

    private sealed class FileSource : CloudTrailSource
    {
        public FileSource(string path)
            : base(path)
        {
        }

        public override Task<Stream> OpenAsync(CancellationToken cancellationToken) =>
            Task.FromResult<Stream>(new FileStream(Name, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan));
    }

    private sealed class DelegateSource : CloudTrailSource
    {
        private readonly Func<CancellationToken, Task<Stream>> _open;

        public DelegateSource(string name, Func<CancellationToken, Task<Stream>> open)
            : base(name)
        {
            _open = open;
        }

        public override Task<Stream> OpenAsync(CancellationToken cancellationToken) => _open(cancellationToken);
    }
}
