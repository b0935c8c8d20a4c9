using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LeastPriv.Emulator.Proxy;

/// <summary>moto's answer to a forwarded request, buffered so it can be recorded and relayed.</summary>
public sealed class ForwardedResponse
{
    public required int StatusCode { get; init; }

    public required List<KeyValuePair<string, string[]>> Headers { get; init; }

    public required byte[] Body { get; init; }

    public string? Header(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.FirstOrDefault()).FirstOrDefault();
}

/// <summary>
/// Relays a client request to moto unchanged: method, raw path and query (exactly as received,
/// because moto re-computes the SigV4 canonical request from them), every header including
/// Host and Authorization, and the body.
/// </summary>
public sealed class MotoForwarder : IDisposable
{
    // Hop-by-hop headers (RFC 9110 §7.6.1) belong to each connection, not to the request.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect",
    };

    private readonly HttpClient _http;
    private readonly Uri _moto;

    public MotoForwarder(Uri moto)
    {
        _moto = moto;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseProxy = false,
        })
        {
            Timeout = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>The request target exactly as the client sent it (path and query, undecoded).</summary>
    public static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw) ? context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent() : raw;
    }

    public async Task<ForwardedResponse> ForwardAsync(HttpContext context, byte[] body, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var target = RawTarget(context);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_moto.GetLeftPart(UriPartial.Authority) + target));
        var hasBody = body.Length > 0 || request.ContentLength is not null || request.Headers.ContainsKey("Transfer-Encoding");
        var content = hasBody ? new ByteArrayContent(body) : null;
        foreach (var header in request.Headers)
        {
            if (HopByHop.Contains(header.Key) || header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                // The client signed the Host it talked to (the layer); moto must see the same one.
                message.Headers.Host = header.Value.ToString();
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value))
            {
                content?.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        if (content is not null)
        {
            content.Headers.ContentLength = body.Length;
            message.Content = content;
        }

        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var headers = new List<KeyValuePair<string, string[]>>();
        foreach (var h in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(h.Key))
            {
                headers.Add(new(h.Key, h.Value.ToArray()));
            }
        }

        return new ForwardedResponse { StatusCode = (int)response.StatusCode, Headers = headers, Body = bytes };
    }

    /// <summary>Writes moto's answer back to the client unchanged.</summary>
    public static async Task RelayAsync(HttpContext context, ForwardedResponse response, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, values) in response.Headers)
        {
            if (name.Equals("Server", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            context.Response.Headers[name] = values;
        }

        if (HttpMethods.IsHead(context.Request.Method) || response.Body.Length == 0)
        {
            return;
        }

        await context.Response.Body.WriteAsync(response.Body, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    public void Dispose() => _http.Dispose();
}
