namespace LeastPriv.Emulator.Delivery;

/// <summary>Writes pending records as CloudTrail log files into the buckets of logging trails.</summary>
public sealed class TrailDelivery : IAsyncDisposable
{
    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
