namespace LeastPriv.Emulator;

/// <summary>
/// Everything that shapes one run of the stand-in: where it listens, which moto it fronts,
/// and the fault knobs. Command-line flags map one to one onto these properties.
/// </summary>
public sealed class StandInOptions
{
    /// <summary>Loopback port the layer listens on; 0 picks a free one.</summary>
    public int Port { get; set; } = 4566;

    /// <summary>An already-running moto to front instead of starting one (e.g. http://127.0.0.1:5000).</summary>
    public Uri? MotoUrl { get; set; }

    /// <summary>Explicit path of moto_server; otherwise PATH, then $HOME/.pyenv/shims.</summary>
    public string? MotoServerPath { get; set; }

    /// <summary>
    /// moto verifies SigV4 against the keys it issued and enforces IAM policies; the layer
    /// bootstraps an operator user holding AdministratorAccess before enforcement starts.
    /// </summary>
    public bool EnforceIam { get; set; }

    /// <summary>Name of the operator user created at start-up.</summary>
    public string OperatorUserName { get; set; } = "leastpriv-operator";

    /// <summary>Fraction (0..1) of client calls answered with the service's throttling error.</summary>
    public double ThrottlingRate { get; set; }

    /// <summary>Fraction (0..1) of client calls answered with a 5xx internal error.</summary>
    public double ServerErrorRate { get; set; }

    /// <summary>Extra latency added to every client call.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Seed for the fault dice, so a run with faults is reproducible.</summary>
    public int FaultSeed { get; set; } = 1;

    /// <summary>How long an event waits before it may be delivered (CloudTrail averages about 5 minutes).</summary>
    public TimeSpan DeliveryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often pending events are written to trail buckets (CloudTrail: about every 5 minutes).</summary>
    public TimeSpan DeliveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A new access key is rejected (InvalidClientTokenId / UnrecognizedClientException /
    /// InvalidAccessKeyId) for this long after CreateAccessKey, as IAM's eventual consistency does:
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
    /// </summary>
    public TimeSpan KeyPropagationDelay { get; set; }

    /// <summary>LookupEvents calls allowed per second (CloudTrail's quota is 2 per account per Region); 0 disables the limit.</summary>
    public double LookupEventsRate { get; set; } = 2;

    /// <summary>How long an IAM Access Analyzer policy generation job runs (passed to the Access Analyzer stand-in).</summary>
    public TimeSpan AccessAnalyzerJobDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long trail configuration read from moto is reused before asking again.</summary>
    public TimeSpan TrailCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long moto may take to answer after start.</summary>
    public TimeSpan MotoStartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// moto_server ignores SIGINT: a terminal's Ctrl+C reaches every process of its group, and the
    /// process that owns the stand-in may still need it (a script's teardown) before stopping it.
    /// </summary>
    public bool IgnoreInterrupt { get; set; }

    /// <summary>Optional sink for diagnostic lines (moto start, delivery).</summary>
    public Action<string>? Log { get; set; }
}
