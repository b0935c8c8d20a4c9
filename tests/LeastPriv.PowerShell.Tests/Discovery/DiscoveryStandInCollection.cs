using Xunit;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// The discovery test classes share one enforcing stand-in and run one after the other: the
/// fixture sets LEASTPRIV_HOME for the process, and captures change the process environment.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DiscoveryStandInCollection : ICollectionFixture<DiscoveryStandInFixture>
{
    public const string Name = "DiscoveryStandIn";
}
