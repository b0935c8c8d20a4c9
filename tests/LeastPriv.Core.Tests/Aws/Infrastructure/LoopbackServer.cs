using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LeastPriv.Core.Tests.Aws.Infrastructure;

/// <summary>A request as it arrived on the wire.</summary>
public sealed class CapturedRequest
{
    public required string Method { get; init; }

    /// <summary>The raw path and query as sent (not unescaped).</summary>
    public required string RawUrl { get; init; }

    public required Dictionary<string, string> Headers { get; init; }

    public required byte[] Body { get; init; }

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string Path => RawUrl.Split('?')[0];

    public string Query => RawUrl.Contains('?') ? RawUrl.Substring(RawUrl.IndexOf('?') + 1) : string.Empty;
}

/// <summary>A scripted answer.</summary>
public sealed class ScriptedResponse
{
    public ScriptedResponse(int status, string body = "", string? contentType = null)
    {
        Status = status;
        Body = body;
        ContentType = contentType;
    }

    public int Status { get; }

    public string Body { get; }

    public string? ContentType { get; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ScriptedResponse WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (HttpListener, free port) that records every request and
/// answers from a script (a queue, or a function of the request).
/// </summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ScriptedResponse> _script = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LoopbackServer(Func<CapturedRequest, ScriptedResponse>? handler = null)
    {
        Handler = handler;
        for (var tries = 0; ; tries++)
        {
            Port = FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (tries < 5)
            {
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public Func<CapturedRequest, ScriptedResponse>? Handler { get; set; }

    public ConcurrentQueue<CapturedRequest> Requests { get; } = new();

    public LoopbackServer Enqueue(params ScriptedResponse[] responses)
    {
        foreach (var r in responses)
        {
            _script.Enqueue(r);
        }

        return this;
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            // Close alone: after Stop, Close unregisters the prefix again, and the managed
            // listener rebinds the port to do so, which fails when another test holds it by then.
            _listener.Close();
        }
        catch (Exception e) when (e is ObjectDisposedException or HttpListenerException)
        {
            // Going away either way; a port another test took in the meantime is no failure of this one.
        }

        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using var ms = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(ms).ConfigureAwait(false);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (string key in ctx.Request.Headers.Keys)
            {
                headers[key] = ctx.Request.Headers[key] ?? string.Empty;
            }

            var captured = new CapturedRequest
            {
                Method = ctx.Request.HttpMethod,
                RawUrl = ctx.Request.RawUrl ?? "/",
                Headers = headers,
                Body = ms.ToArray(),
            };
            Requests.Enqueue(captured);

            ScriptedResponse response;
            if (_script.TryDequeue(out var next))
            {
                response = next;
            }
            else if (Handler is not null)
            {
                response = Handler(captured);
            }
            else
            {
                response = new ScriptedResponse(500, "no scripted response left");
            }

            ctx.Response.StatusCode = response.Status;
            foreach (var h in response.Headers)
            {
                ctx.Response.Headers[h.Key] = h.Value;
            }

            if (response.ContentType is not null)
            {
                ctx.Response.ContentType = response.ContentType;
            }

            var bytes = Encoding.UTF8.GetBytes(response.Body);
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
            ctx.Response.Close();
        }
    }
}
