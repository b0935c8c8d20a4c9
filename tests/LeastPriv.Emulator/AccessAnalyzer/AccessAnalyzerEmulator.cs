using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// The emulated IAM Access Analyzer (REST-JSON, API version 2019-11-01): policy generation from
/// the CloudTrail logs delivered into moto's S3, and policy validation.
/// </summary>
public sealed partial class AccessAnalyzerEmulator : IDisposable
{
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    private readonly AccessAnalyzerEmulatorOptions _options;
    private readonly IAnalyzerStandIn _standIn;
    private readonly PolicyGenerationRunner _runner;
    private readonly ConcurrentDictionary<string, PolicyGenerationJob> _jobs = new(StringComparer.Ordinal);
    private readonly object _startGate = new();
    private int _disposed;

    /// <summary>The service as the stand-in layer routes to it.</summary>
    public AccessAnalyzerEmulator(AccessAnalyzerEmulatorOptions options, StandInServices services)
        : this(options, new StandInServicesAnalyzerView(services))
    {
    }

    /// <summary>The service with the layer's knobs (<see cref="AccessAnalyzerEmulatorOptions.For"/>).</summary>
    public AccessAnalyzerEmulator(StandInServices services)
        : this(AccessAnalyzerEmulatorOptions.For(services), services)
    {
    }

    /// <summary>The service on any stand-in (a test hosting it alone).</summary>
    public AccessAnalyzerEmulator(AccessAnalyzerEmulatorOptions options, IAnalyzerStandIn standIn)
    {
        _options = options;
        _standIn = standIn;
        _runner = new PolicyGenerationRunner(options, standIn, new MotoServiceCalls(standIn.Moto));
    }

    /// <summary>Answers one request whose SigV4 service is <c>access-analyzer</c>, reading its body.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        // A layer that already read the body for its own records may have left it rewindable.
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        await HandleAsync(context, buffer.ToArray()).ConfigureAwait(false);
    }

    /// <summary>Answers one request whose body the caller has already read.</summary>
    public async Task HandleAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        var response = context.Response;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        try
        {
            var caller = await AuthenticateAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            var result = Dispatch(context.Request, body, caller);
            response.StatusCode = 200;
            response.ContentType = "application/json";
            await response.WriteAsync(result, context.RequestAborted).ConfigureAwait(false);
        }
        catch (AnalyzerError error)
        {
            await WriteErrorAsync(response, error, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !response.HasStarted)
        {
            // A fault of the stand-in itself reaches the client as the service's retryable 500.
            await WriteErrorAsync(response, AnalyzerError.InternalServer("Internal failure: " + ex.Message), context.RequestAborted).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var job in _jobs.Values)
        {
            job.Cancellation.Cancel();
            job.Cancellation.Dispose();
        }
    }

    private static async Task WriteErrorAsync(HttpResponse response, AnalyzerError error, CancellationToken cancellationToken)
    {
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json";
        response.Headers["x-amzn-ErrorType"] = error.ErrorType;
        if (error.RetryAfterSeconds is { } retry)
        {
            response.Headers["Retry-After"] = retry.ToString(CultureInfo.InvariantCulture);
        }

        var body = new Dictionary<string, object> { ["message"] = error.Message };
        foreach (var (name, value) in error.Members)
        {
            body[name] = value;
        }

        await response.WriteAsync(JsonSerializer.Serialize(body), cancellationToken).ConfigureAwait(false);
    }

    // The caller is the owner of the SigV4 access key id (header or presigned query).
    private async Task<string> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string? accessKeyId = null;
        var authorization = request.Headers.Authorization.ToString();
        var match = CredentialPattern().Match(authorization);
        if (match.Success)
        {
            accessKeyId = match.Groups[1].Value;
        }
        else if (request.Query.TryGetValue("X-Amz-Credential", out var credential))
        {
            accessKeyId = credential.ToString().Split('/')[0];
        }

        if (string.IsNullOrEmpty(accessKeyId))
        {
            throw AnalyzerError.MissingAuthenticationToken();
        }

        return await _standIn.ResolveCallerArnAsync(accessKeyId, cancellationToken).ConfigureAwait(false)
            ?? throw AnalyzerError.UnrecognizedClient();
    }

    private string Dispatch(HttpRequest request, ReadOnlyMemory<byte> body, string caller)
    {
        var path = request.Path.Value?.TrimEnd('/') ?? string.Empty;
        const string generation = "/policy/generation";
        if (path == generation)
        {
            if (HttpMethods.IsPut(request.Method))
            {
                return StartPolicyGeneration(ParseBody(body), caller);
            }

            if (HttpMethods.IsGet(request.Method))
            {
                return ListPolicyGenerations(request.Query, caller);
            }
        }
        else if (path.StartsWith(generation + "/", StringComparison.Ordinal))
        {
            var jobId = Uri.UnescapeDataString(path[(generation.Length + 1)..]);
            if (HttpMethods.IsGet(request.Method))
            {
                return GetGeneratedPolicy(jobId, request.Query, caller);
            }

            if (HttpMethods.IsPut(request.Method))
            {
                return CancelPolicyGeneration(jobId, caller);
            }
        }
        else if (path == "/policy/validation" && HttpMethods.IsPost(request.Method))
        {
            return ValidatePolicy(ParseBody(body), request.Query);
        }

        throw AnalyzerError.Validation($"The operation {request.Method} {path} is not supported by this endpoint.", "unknownOperation");
    }

    private static JsonElement ParseBody(ReadOnlyMemory<byte> body)
    {
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw AnalyzerError.Validation("The request body must be a JSON object.", "cannotParse");
            }

            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw AnalyzerError.Validation("The request body is not valid JSON: " + ex.Message, "cannotParse");
        }
    }

    private static string AccountOf(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length > 4 ? parts[4] : string.Empty;
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [GeneratedRegex(@"Credential=([^/,\s]+)/", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialPattern();
}
