using LeastPriv.Emulator.Delivery;
using LeastPriv.Emulator.Recording;
using LeastPriv.Emulator.Routing;
using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.Proxy;

/// <summary>Every request to the layer enters here: routed, forwarded to moto, recorded.</summary>
public sealed class StandInGateway : IAsyncDisposable
{
    private readonly StandInServices _services;
    private readonly MotoForwarder _forwarder;

    public StandInGateway(StandInServices services)
    {
        _services = services;
        _forwarder = new MotoForwarder(services.MotoEndpoint);
        Recorder = new EventRecorder();
        Delivery = new TrailDelivery();
    }

    public EventRecorder Recorder { get; }

    public TrailDelivery Delivery { get; }

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var body = await MotoForwarder.ReadBodyAsync(context.Request, ct).ConfigureAwait(false);
        var call = ApiCall.Describe(context, body);
        if (call.Service == "access-analyzer")
        {
            await AccessAnalyzerPlaceholder.HandleAsync(context).ConfigureAwait(false);
            return;
        }

        var response = await _forwarder.ForwardAsync(context, body, ct).ConfigureAwait(false);
        await MotoForwarder.RelayAsync(context, response, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await Delivery.DisposeAsync().ConfigureAwait(false);
        _forwarder.Dispose();
    }
}
