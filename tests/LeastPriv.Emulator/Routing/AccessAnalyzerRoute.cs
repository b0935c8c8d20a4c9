using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.Routing;

/// <summary>Where requests signed for the <c>access-analyzer</c> service go.</summary>
public static class AccessAnalyzerRoute
{
    public static Func<HttpContext, Task> Create(StandInServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AccessAnalyzerPlaceholder.HandleAsync;
    }
}
