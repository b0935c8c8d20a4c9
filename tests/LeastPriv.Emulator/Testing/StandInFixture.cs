using Xunit;

namespace LeastPriv.Emulator.Testing;

/// <summary>
/// An xunit class or collection fixture that starts one stand-in (its own moto, a free port) for
/// the tests that share it, and stops both afterwards. Derive and override
/// <see cref="CreateOptions"/> to change knobs; <see cref="EnforcingStandInFixture"/> turns on IAM
/// enforcement.
/// </summary>
public class StandInFixture : IAsyncLifetime
{
    private StandIn? _standIn;

    /// <summary>The running stand-in.</summary>
    public StandIn StandIn => _standIn ?? throw new InvalidOperationException("The stand-in has not started yet.");

    /// <summary>Defaults for tests: any free port, delivery without delay, no LookupEvents rate limit.</summary>
    protected virtual StandInOptions CreateOptions() => new()
    {
        Port = 0,
        DeliveryDelay = TimeSpan.Zero,
        DeliveryInterval = TimeSpan.FromSeconds(1),
        LookupEventsRate = 0,
        AccessAnalyzerJobDuration = TimeSpan.Zero,
    };

    /// <summary>An AWS CLI signed as the operator, pointed at the stand-in.</summary>
    public AwsCli OperatorCli(string region = "us-east-1") =>
        new(StandIn.Endpoint, StandIn.Operator.AccessKeyId, StandIn.Operator.SecretAccessKey, region);

    public virtual async Task InitializeAsync() => _standIn = await StandIn.StartAsync(CreateOptions()).ConfigureAwait(false);

    public virtual async Task DisposeAsync()
    {
        if (_standIn is not null)
        {
            await _standIn.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A stand-in whose moto verifies signatures and enforces IAM policies.</summary>
public class EnforcingStandInFixture : StandInFixture
{
    protected override StandInOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.EnforceIam = true;
        return options;
    }
}
