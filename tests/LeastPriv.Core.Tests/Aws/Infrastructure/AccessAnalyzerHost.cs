using System.Net;
using LeastPriv.Emulator;
using LeastPriv.Emulator.AccessAnalyzer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeastPriv.Core.Tests.Aws.Infrastructure;

/// <summary>
/// The stand-in's Access Analyzer emulator served on its own 127.0.0.1 port, over the stand-in's
/// services (its moto, its key directory), for clients pointed at it with
/// <c>AWS_ENDPOINT_URL_ACCESSANALYZER</c>.
/// </summary>
public sealed class AccessAnalyzerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly AccessAnalyzerEmulator _emulator;

    private AccessAnalyzerHost(WebApplication app, AccessAnalyzerEmulator emulator, Uri endpoint)
    {
        _app = app;
        _emulator = emulator;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<AccessAnalyzerHost> StartAsync(StandIn standIn, AccessAnalyzerEmulatorOptions options)
    {
        var emulator = new AccessAnalyzerEmulator(options, standIn.Services);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(emulator.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new AccessAnalyzerHost(app, emulator, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _emulator.Dispose();
    }
}
