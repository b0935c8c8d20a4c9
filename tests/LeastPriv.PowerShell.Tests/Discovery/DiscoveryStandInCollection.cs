using Xunit;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// The discovery test classes share one enforcing stand-in (one moto_server) and one
/// LEASTPRIV_HOME, which is process-wide, so they cannot run in parallel with separate fixtures.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DiscoveryStandInCollection : ICollectionFixture<DiscoveryStandInFixture>
{
    public const string Name = "Discovery stand-in";
}
