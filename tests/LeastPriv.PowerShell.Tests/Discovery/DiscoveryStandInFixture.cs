using LeastPriv.Emulator;
using LeastPriv.Emulator.Testing;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// One enforcing stand-in for the discovery tests, with IAM's eventual consistency switched on (a new key
/// is refused for <see cref="KeyDelay"/>), and a private LEASTPRIV_HOME for the session manifests.
/// </summary>
public sealed class DiscoveryStandInFixture : StandInFixture
{
    public static readonly TimeSpan KeyDelay = TimeSpan.FromSeconds(2);

    public string Home { get; } = Path.Combine(Path.GetTempPath(), "lp-home-" + Guid.NewGuid().ToString("N")[..10]);

    public string SessionsDirectory => Path.Combine(Home, "sessions");

    protected override StandInOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.KeyPropagationDelay = KeyDelay;

        // Enforcing moto loads the AWS managed policies (AdministratorAccess) and checks every signature.
        options.EnforceIam = true;
        return options;
    }

    public override async Task InitializeAsync()
    {
        Directory.CreateDirectory(Home);
        Environment.SetEnvironmentVariable("LEASTPRIV_HOME", Home);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Environment.SetEnvironmentVariable("LEASTPRIV_HOME", null);
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The common AWS parameters of every cmdlet call, as a splat.</summary>
    /// <summary>The stand-in's endpoint as the AWS CLI's --endpoint-url takes it (no trailing slash).</summary>
    public string EndpointText => StandIn.Endpoint.ToString().TrimEnd('/');

    public Dictionary<string, object?> AwsVariables() => new()
    {
        ["aws"] = new System.Collections.Hashtable
        {
            ["EndpointUrl"] = StandIn.Endpoint.ToString(),
            ["Region"] = "us-east-1",
            ["AccessKey"] = StandIn.Operator.AccessKeyId,
            ["SecretKey"] = StandIn.Operator.SecretAccessKey,
        },
    };
}
