using Xunit;

namespace LeastPriv.PowerShell.Tests.Discovery;

/// <summary>
/// Test classes whose fixtures point LEASTPRIV_HOME (a process-wide variable) at their own folder:
/// they run one after the other, so one class's fixture never moves another's manifests.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LeastPrivHomeCollection
{
    public const string Name = "LeastPrivHome";
}
