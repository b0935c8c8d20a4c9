using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Util;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace LeastPriv.Emulator.Moto;

/// <summary>A raw answer from moto.</summary>
public sealed record MotoResponse(int StatusCode, string ContentType, byte[] Body)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// The layer's own calls to moto (trail configuration, identity look-ups, log delivery). They go
/// straight to moto, never through the layer, so they are never recorded as CloudTrail events.
/// Requests are signed with AWSSDK.Core's SigV4 signer because moto verifies signatures when it
/// enforces IAM.
/// </summary>
public sealed class MotoClient : IDisposable
{
    private readonly HttpClient _http;

    public MotoClient(Uri endpoint)
    {
        Endpoint = endpoint;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri Endpoint { get; }

    /// <summary>A query-protocol call (IAM, STS): form body <c>Action=…&amp;Version=…&amp;params</c>.</summary>
    public Task<MotoResponse> QueryAsync(string service, string region, string action, string version, IEnumerable<KeyValuePair<string, string>> parameters, AWSCredentials credentials, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("Action", action), new("Version", version) };
        form.AddRange(parameters);
        var body = string.Join('&', form.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return SendAsync(service, region, "POST", "/", "application/x-www-form-urlencoded; charset=utf-8", Encoding.UTF8.GetBytes(body), null, credentials, cancellationToken);
    }

    /// <summary>A JSON 1.1 call (CloudTrail): <c>X-Amz-Target</c> plus a JSON body.</summary>
    public Task<MotoResponse> JsonAsync(string service, string region, string target, string json, AWSCredentials credentials, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string> { ["X-Amz-Target"] = target };
        return SendAsync(service, region, "POST", "/", "application/x-amz-json-1.1", Encoding.UTF8.GetBytes(json), headers, credentials, cancellationToken);
    }

    /// <summary>Any signed request to moto.</summary>
    public async Task<MotoResponse> SendAsync(string service, string region, string method, string path, string? contentType, byte[]? body, IDictionary<string, string>? headers, AWSCredentials credentials, CancellationToken cancellationToken)
    {
        var signable = new DefaultRequest(new GetCallerIdentityRequest(), "LeastPriv.Emulator")
        {
            HttpMethod = method,
            Endpoint = Endpoint,
            ResourcePath = path,
            Content = body ?? [],
        };
        if (contentType is not null)
        {
            signable.Headers["Content-Type"] = contentType;
        }

        if (headers is not null)
        {
            foreach (var (key, value) in headers)
            {
                signable.Headers[key] = value;
            }
        }

        var config = new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = Endpoint.ToString(),
            AuthenticationRegion = region,
            AuthenticationServiceName = service,
        };
        new AWS4Signer().Sign(signable, config, new RequestMetrics(), credentials);

        using var message = new HttpRequestMessage(new HttpMethod(method), new Uri(Endpoint, path.TrimStart('/')));
        var content = new ByteArrayContent(body ?? []);
        foreach (var (key, value) in signable.Headers)
        {
            if (key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else if (key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            else if (key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.Host = value;
            }
            else
            {
                message.Headers.TryAddWithoutValidation(key, value);
            }
        }

        if (body is not null || method is "POST" or "PUT")
        {
            message.Content = content;
        }
        else
        {
            content.Dispose();
        }

        using var response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new MotoResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? string.Empty, bytes);
    }

    /// <summary>Reads a query-protocol XML answer, throwing with moto's error code when it failed.</summary>
    public static XElement ParseQuery(MotoResponse response, string what)
    {
        if (!response.IsSuccess)
        {
            throw new StandInException($"moto {what} failed ({response.StatusCode}): {response.Text}");
        }

        return XElement.Parse(response.Text);
    }

    /// <summary>Reads a JSON answer, throwing with moto's error when it failed.</summary>
    public static JsonDocument ParseJson(MotoResponse response, string what)
    {
        if (!response.IsSuccess)
        {
            throw new StandInException($"moto {what} failed ({response.StatusCode}): {response.Text}");
        }

        return JsonDocument.Parse(response.Body.Length == 0 ? "{}"u8.ToArray() : response.Body);
    }

    public void Dispose() => _http.Dispose();
}
