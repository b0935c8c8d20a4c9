using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Amazon.Runtime;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Util;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Aws;

/// <summary>One request as a protocol client builds it, before signing.</summary>
internal sealed class AwsWireRequest
{
    public AwsWireRequest(string method, string resourcePath = "/")
    {
        Method = method;
        ResourcePath = resourcePath;
    }

    public string Method { get; }

    /// <summary>A URI template from the model, e.g. <c>/policy/generation/{jobId}</c>.</summary>
    public string ResourcePath { get; }

    public Dictionary<string, string> PathParameters { get; } = new(StringComparer.Ordinal);

    /// <summary>Query-string members (rest-json), in the order they are sent.</summary>
    public List<KeyValuePair<string, string>> Query { get; } = new();

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public byte[]? Body { get; set; }

    public string? ContentType { get; set; }
}

/// <summary>A raw answer: status, headers and body bytes.</summary>
internal sealed class AwsWireResponse
{
    public AwsWireResponse(HttpStatusCode status, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Status = status;
        Headers = headers;
        Body = body;
    }

    public HttpStatusCode Status { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public byte[] Body { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>What an error answer said: the AWS code, message and request id.</summary>
internal readonly struct AwsErrorInfo
{
    public AwsErrorInfo(string code, string message, string? requestId)
    {
        Code = code;
        Message = message;
        RequestId = requestId;
    }

    public string Code { get; }

    public string Message { get; }

    public string? RequestId { get; }
}

/// <summary>
/// Signs (AWSSDK.Core's <see cref="AWS4Signer"/>), sends and retries requests for one service.
/// The protocol clients (query, JSON 1.1, REST-JSON) build <see cref="AwsWireRequest"/>s and
/// read the answers; this class owns credentials, endpoint, signing, retries and error mapping.
/// </summary>
internal sealed class AwsTransport
{
    private static readonly string UserAgent =
        $"LeastPriv/{typeof(AwsTransport).Assembly.GetName().Version} aws-sdk-dotnet-core/{typeof(AWSCredentials).Assembly.GetName().Version}";

    private readonly AwsContext _context;
    private readonly Func<AwsWireResponse, AwsErrorInfo> _readError;
    private readonly AWS4Signer _signer = new();
    private readonly SigningConfig _signingConfig;

    public AwsTransport(AwsContext context, AwsService service, Func<AwsWireResponse, AwsErrorInfo> readError)
    {
        _context = context;
        Service = service;
        _readError = readError;
        Endpoint = context.EndpointFor(service);
        _signingConfig = new SigningConfig(AwsServiceInfo.SigningName(service), Endpoint.SigningRegion);
    }

    public AwsService Service { get; }

    public AwsEndpoint Endpoint { get; }

    /// <summary>Per-client override of the context's retry policy (e.g. a new-key grace window).</summary>
    public AwsRetryPolicy? RetryPolicy { get; set; }

    private IEngineReporter Reporter => _context.Reporter;

    public async Task<AwsWireResponse> SendAsync(string operation, AwsWireRequest request, object? target, CancellationToken cancellationToken)
    {
        var policy = RetryPolicy ?? _context.RetryPolicy;
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AwsWireResponse response;
            try
            {
                using var message = await BuildSignedMessageAsync(request, cancellationToken).ConfigureAwait(false);
                using var httpResponse = await _context.Http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                response = await ReadAsync(httpResponse).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsNetworkFailure(ex, cancellationToken))
            {
                if (policy.ShouldRetryNetworkFailure(attempt, out var wait))
                {
                    Reporter.Debug($"{AwsServiceInfo.DisplayName(Service)} {operation}: {ex.Message}; retry {attempt + 1}/{policy.MaxAttempts} in {wait.TotalSeconds:0.##} s.");
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new LeastPrivException(
                    "AwsEndpointUnreachable",
                    LPErrorCategory.ConnectionError,
                    $"{AwsServiceInfo.DisplayName(Service)} {operation}: cannot reach {Endpoint.Url} ({ex.Message}).",
                    Endpoint.Url.ToString(),
                    ex);
            }

            var status = (int)response.Status;
            if (status is >= 200 and < 300)
            {
                return response;
            }

            var error = _readError(response);
            var requestId = error.RequestId ?? response.Header("x-amzn-RequestId") ?? response.Header("x-amz-request-id");
            if (policy.ShouldRetry(attempt, error.Code, response.Status, clock.Elapsed, RetryAfter(response), out var delay))
            {
                Reporter.Debug($"{AwsServiceInfo.DisplayName(Service)} {operation}: {error.Code} (HTTP {status}); retry {attempt + 1} in {delay.TotalSeconds:0.##} s.");
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            throw new AwsServiceException(Service, operation, error.Code, response.Status, requestId, error.Message, target);
        }
    }

    /// <summary>Builds the HTTP message for <paramref name="request"/>, signed with SigV4 by AWSSDK.Core.</summary>
    internal async Task<HttpRequestMessage> BuildSignedMessageAsync(AwsWireRequest request, CancellationToken cancellationToken, DateTime? signingTime = null)
    {
        var credentials = await _context.Credentials.GetCredentialsAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var sdkRequest = new DefaultRequest(new WireRequestMarker(), AwsServiceInfo.SigningName(Service))
        {
            HttpMethod = request.Method,
            Endpoint = new Uri(Endpoint.Url.GetLeftPart(UriPartial.Authority)),
            ResourcePath = request.ResourcePath,
            AuthenticationRegion = Endpoint.SigningRegion,
            OverrideSigningServiceName = AwsServiceInfo.SigningName(Service),
            Content = request.Body ?? Array.Empty<byte>(),
        };
        foreach (var p in request.PathParameters)
        {
            sdkRequest.AddPathResource("{" + p.Key + "}", p.Value);
        }

        foreach (var q in request.Query)
        {
            sdkRequest.AddSubResource(q.Key, q.Value);
        }

        foreach (var h in request.Headers)
        {
            sdkRequest.Headers[h.Key] = h.Value;
        }

        if (request.ContentType is not null)
        {
            sdkRequest.Headers["Content-Type"] = request.ContentType;
        }

        if (credentials.UseToken)
        {
            // Temporary credentials: the token travels in a signed header
            // (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
            sdkRequest.Headers["X-Amz-Security-Token"] = credentials.Token;
        }

        var signature = signingTime is { } at
            ? _signer.SignRequest(sdkRequest, _signingConfig, null, credentials.AccessKey, credentials.SecretKey, at)
            : _signer.SignRequest(sdkRequest, _signingConfig, null, credentials.AccessKey, credentials.SecretKey);
        sdkRequest.Headers["Authorization"] = signature.ForAuthorizationHeader;

        var path = AWSSDKUtils.ResolveResourcePathV2(request.ResourcePath, sdkRequest.PathResources);
        var query = string.Join("&", request.Query.Select(q => AWSSDKUtils.UrlEncode(q.Key, false) + "=" + AWSSDKUtils.UrlEncode(q.Value, false)));
        var url = new UriBuilder(Endpoint.Url) { Path = path, Query = query }.Uri;

        var message = new HttpRequestMessage(new HttpMethod(request.Method), url);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.Remove("Content-Type");
        }
        else if (request.Method is "PUT" or "POST")
        {
            // Some operations (CancelPolicyGeneration) are a PUT with no body: send Content-Length: 0.
            message.Content = new ByteArrayContent(Array.Empty<byte>());
            message.Content.Headers.Remove("Content-Type");
        }

        foreach (var h in sdkRequest.Headers)
        {
            if (string.Equals(h.Key, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content?.Headers.TryAddWithoutValidation("Content-Type", h.Value);
            }
            else if (string.Equals(h.Key, "host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Host = h.Value;
            }
            else if (!string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(h.Key, h.Value);
            }
        }

        message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        return message;
    }

    private static async Task<AwsWireResponse> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Copy(response.Headers, headers);
        Copy(response.Content.Headers, headers);
        return new AwsWireResponse(response.StatusCode, headers, body);
    }

    private static void Copy(HttpHeaders from, Dictionary<string, string> to)
    {
        foreach (var h in from)
        {
            to[h.Key] = string.Join(",", h.Value);
        }
    }

    /// <summary><c>Retry-After</c> as seconds or as an HTTP date.</summary>
    internal static TimeSpan? RetryAfter(AwsWireResponse response)
    {
        var value = response.Header("Retry-After");
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var wait = at - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static bool IsNetworkFailure(Exception ex, CancellationToken cancellationToken)
        => ex is HttpRequestException || ex is IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>The request object AWSSDK.Core's <see cref="DefaultRequest"/> wants; it carries nothing.</summary>
    private sealed class WireRequestMarker : AmazonWebServiceRequest
    {
    }

    /// <summary>
    /// The minimum client configuration <see cref="AWS4Signer"/> reads: signing name and region.
    /// </summary>
    private sealed class SigningConfig : ClientConfig
    {
        private readonly string _serviceName;

        public SigningConfig(string serviceName, string region)
            : base(new DefaultConfigurationProvider(new IDefaultConfiguration[]
            {
                new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard },
            }))
        {
            _serviceName = serviceName;
            AuthenticationServiceName = serviceName;
            AuthenticationRegion = region;
        }

        public override string ServiceVersion => "1";

        public override string UserAgent => AwsTransport.UserAgent;

        public override string RegionEndpointServiceName => _serviceName;

        public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
            => throw new NotSupportedException("Endpoints are resolved by AwsContext.");
    }
}
