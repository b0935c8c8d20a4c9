using LeastPriv.Emulator.AccessAnalyzer;
using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.Routing;

/// <summary>
/// Where requests signed for the <c>access-analyzer</c> service go: the IAM Access Analyzer
/// emulator, built on the layer's services and knobs (job duration, clock).
/// </summary>
public sealed class AccessAnalyzerRoute : IDisposable
{
    private readonly AccessAnalyzerEmulator _emulator;

    public AccessAnalyzerRoute(StandInServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _emulator = new AccessAnalyzerEmulator(
            new AccessAnalyzerEmulatorOptions
            {
                JobDuration = services.Options.AccessAnalyzerJobDuration,
                Clock = services.Time,
            },
            services);
    }

    public Task HandleAsync(HttpContext context) => _emulator.HandleAsync(context);

    public void Dispose() => _emulator.Dispose();
}
