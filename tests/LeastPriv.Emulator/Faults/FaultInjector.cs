using LeastPriv.Emulator.Proxy;

namespace LeastPriv.Emulator.Faults;

/// <summary>
/// Throttling, 5xx and latency on client calls only (never on the layer's own calls to moto).
/// One seeded die is rolled per client call in arrival order, so a single-threaded workload sees
/// the same faults on every run with the same seed.
/// </summary>
public sealed class FaultInjector
{
    private readonly StandInOptions _options;
    private readonly Random _dice;
    private readonly Lock _gate = new();
    private long _throttled;
    private long _serverErrors;
    private long _delayed;

    public FaultInjector(StandInOptions options)
    {
        _options = options;
        _dice = new Random(options.FaultSeed);
    }

    /// <summary>Client calls answered with a throttling error so far.</summary>
    public long Throttled => Interlocked.Read(ref _throttled);

    /// <summary>Client calls answered with a 5xx error so far.</summary>
    public long ServerErrors => Interlocked.Read(ref _serverErrors);

    /// <summary>Client calls delayed by the latency knob so far.</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    /// <summary>The fault to answer with instead of forwarding, or null.</summary>
    public AwsError? Roll(ApiCall call, string requestId)
    {
        if (_options.ThrottlingRate <= 0 && _options.ServerErrorRate <= 0)
        {
            return null;
        }

        double roll;
        lock (_gate)
        {
            roll = _dice.NextDouble();
        }

        if (roll < _options.ThrottlingRate)
        {
            Interlocked.Increment(ref _throttled);
            return call.Protocol switch
            {
                // S3 throttles with 503 SlowDown; query services with Throttling/400; JSON 1.1 with ThrottlingException/400; REST-JSON with 429.
                WireProtocol.RestXml => AwsError.For(call, 503, "SlowDown", "Please reduce your request rate.", requestId),
                WireProtocol.Query => AwsError.For(call, 400, "Throttling", "Rate exceeded", requestId),
                WireProtocol.Json => AwsError.For(call, 400, "ThrottlingException", "Rate exceeded", requestId),
                _ => AwsError.For(call, 429, "ThrottlingException", "Rate exceeded", requestId),
            };
        }

        if (roll < _options.ThrottlingRate + _options.ServerErrorRate)
        {
            Interlocked.Increment(ref _serverErrors);
            return call.Protocol switch
            {
                WireProtocol.RestXml => AwsError.For(call, 500, "InternalError", "We encountered an internal error. Please try again.", requestId),
                WireProtocol.Query when call.Service == "iam" => AwsError.For(call, 500, "ServiceFailure", "Service failure", requestId),
                WireProtocol.Query or WireProtocol.Json => AwsError.For(call, 500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.", requestId),
                _ => AwsError.For(call, 500, "InternalServerException", "Internal server error", requestId),
            };
        }

        return null;
    }

    public Task DelayAsync(CancellationToken cancellationToken)
    {
        var latency = _options.Latency;
        if (latency <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _delayed);
        return Task.Delay(latency, cancellationToken);
    }
}
