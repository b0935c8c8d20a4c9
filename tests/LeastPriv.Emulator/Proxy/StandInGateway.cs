using System.Text;
using System.Xml.Linq;
using LeastPriv.Emulator.Delivery;
using LeastPriv.Emulator.Faults;
using LeastPriv.Emulator.Lookup;
using LeastPriv.Emulator.Recording;
using LeastPriv.Emulator.Routing;
using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.Proxy;

/// <summary>
/// Every request to the layer enters here. Signed client calls get faults (if configured), are
/// routed (IAM Access Analyzer, CloudTrail LookupEvents) or forwarded to moto unchanged, teach the
/// key directory from CreateAccessKey/AssumeRole answers, and are recorded as CloudTrail records.
/// Unsigned requests (moto's dashboard, anonymous calls) pass through unrecorded.
/// </summary>
public sealed class StandInGateway : IAsyncDisposable
{
    // Requests that fail authentication cannot be attributed to a principal; they are not recorded.
    private static readonly HashSet<string> AuthenticationFailures = new(StringComparer.Ordinal)
    {
        "InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId", "SignatureDoesNotMatch",
        "IncompleteSignature", "MissingAuthenticationToken", "AuthFailure", "InvalidSignatureException",
    };

    private readonly StandInServices _services;
    private readonly MotoForwarder _forwarder;
    private readonly FaultInjector _faults;

    /// <summary>The fault dice and what they injected so far (the knobs are read live from the options).</summary>
    public FaultInjector Faults => _faults;
    private readonly LookupEventsService _lookup;
    private readonly AccessAnalyzerRoute _accessAnalyzer;

    public StandInGateway(StandInServices services)
    {
        _services = services;
        _forwarder = new MotoForwarder(services.MotoEndpoint);
        _faults = new FaultInjector(services.Options);
        Recorder = new EventRecorder();
        Delivery = new TrailDelivery(services, Recorder);
        _lookup = new LookupEventsService(Recorder, services.Options, services.Time);
        _accessAnalyzer = new AccessAnalyzerRoute(services);
    }

    public EventRecorder Recorder { get; }

    public TrailDelivery Delivery { get; }

    public async Task HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var body = await MotoForwarder.ReadBodyAsync(context.Request, ct).ConfigureAwait(false);
        var call = ApiCall.Describe(context, body);
        if (!call.IsSigned)
        {
            var passed = await _forwarder.ForwardAsync(context, body, ct).ConfigureAwait(false);
            await MotoForwarder.RelayAsync(context, passed, ct).ConfigureAwait(false);
            return;
        }

        var requestId = Guid.NewGuid().ToString();
        await _faults.DelayAsync(ct).ConfigureAwait(false);

        var propagation = _services.Options.KeyPropagationDelay;
        if (propagation > TimeSpan.Zero && _services.Keys.KeyCreatedAt(call.AccessKeyId!) is { } created && _services.Time.GetUtcNow() - created < propagation)
        {
            // IAM is eventually consistent: a brand-new key is unknown to the service for a while.
            var rejected = call.Protocol switch
            {
                WireProtocol.RestXml => AwsError.For(call, 403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", requestId),
                WireProtocol.Query => AwsError.For(call, 403, "InvalidClientTokenId", "The security token included in the request is invalid.", requestId),
                _ => AwsError.For(call, call.Protocol == WireProtocol.Json ? 400 : 403, "UnrecognizedClientException", "The security token included in the request is invalid.", requestId),
            };
            await MotoForwarder.RelayAsync(context, rejected.ToResponse(), ct).ConfigureAwait(false);
            return;
        }

        ForwardedResponse response;
        var routed = false;
        if (_faults.Roll(call, requestId) is { } fault)
        {
            response = fault.ToResponse();
        }
        else if (call.Service == "access-analyzer")
        {
            // The body was read for recording; the routed service reads it again.
            context.Request.Body = new MemoryStream(body, writable: false);
            response = await CaptureAsync(context, _accessAnalyzer.HandleAsync).ConfigureAwait(false);
            routed = true;
        }
        else if (call.Service == "cloudtrail" && call.Operation == "LookupEvents")
        {
            response = _lookup.Handle(call, requestId);
        }
        else
        {
            if (call.Service == "cloudtrail" && call.Operation is "StopLogging" or "DeleteTrail")
            {
                // Events from before a trail stops logging still reach its bucket.
                await Delivery.TryFlushAsync(ct).ConfigureAwait(false);
            }

            response = await _forwarder.ForwardAsync(context, body, ct).ConfigureAwait(false);
        }

        var error = AwsError.Parse(response, call);
        if (error is null)
        {
            LearnKeys(call, response);
            if (call.Service == "cloudtrail" && call.Operation is "CreateTrail" or "UpdateTrail" or "StartLogging" or "StopLogging" or "PutEventSelectors" or "DeleteTrail")
            {
                Delivery.InvalidateTrails();
            }
        }

        if (error is null || !AuthenticationFailures.Contains(error.Value.Code))
        {
            var identity = await _services.Keys.ResolveAsync(call.AccessKeyId!, ct).ConfigureAwait(false);
            Recorder.Add(CloudTrailRecordBuilder.Build(call, response, identity, _services.AccountId, _services.Time.GetUtcNow(), error));
        }

        if (routed)
        {
            // Status and headers are already on the response; only the buffered body is left.
            await context.Response.Body.WriteAsync(response.Body, ct).ConfigureAwait(false);
        }
        else
        {
            await MotoForwarder.RelayAsync(context, response, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a routed handler with its output buffered, so the call can be recorded like any other.</summary>
    private static async Task<ForwardedResponse> CaptureAsync(HttpContext context, Func<HttpContext, Task> handler)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        var headers = context.Response.Headers.Select(h => new KeyValuePair<string, string[]>(h.Key, h.Value.Select(v => v ?? string.Empty).ToArray())).ToList();
        return new ForwardedResponse { StatusCode = context.Response.StatusCode, Headers = headers, Body = buffer.ToArray() };
    }

    private void LearnKeys(ApiCall call, ForwardedResponse response)
    {
        if (call.Operation is not ("CreateAccessKey" or "AssumeRole") || call.Protocol != WireProtocol.Query)
        {
            return;
        }

        XElement xml;
        try
        {
            xml = XElement.Parse(Encoding.UTF8.GetString(response.Body));
        }
        catch (System.Xml.XmlException)
        {
            return;
        }

        string? Find(string name) => xml.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        if (call.Service == "iam" && call.Operation == "CreateAccessKey" && Find("AccessKeyId") is { } akid && Find("UserName") is { } user)
        {
            _services.Keys.LearnUserKey(akid, user);
        }
        else if (call.Service == "sts" && call.Operation == "AssumeRole" && Find("AccessKeyId") is { } sessionKey
            && Find("AssumedRoleId") is { } roleId && Find("Arn") is { } sessionArn
            && call.FormParameters.FirstOrDefault(p => p.Key == "RoleArn").Value is { } roleArn)
        {
            _services.Keys.LearnRoleSession(sessionKey, roleId, sessionArn, roleArn);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Delivery.DisposeAsync().ConfigureAwait(false);
        _accessAnalyzer.Dispose();
        _forwarder.Dispose();
    }
}
