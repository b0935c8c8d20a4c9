using System.Diagnostics;

namespace LeastPriv.Core.Tests.Aws.Infrastructure;

/// <summary>
/// A moto server (the third-party AWS emulator) on 127.0.0.1 and a free port, for the
/// integration tests: started once per test class, killed on dispose.
/// </summary>
public sealed class MotoServer : IDisposable
{
    private readonly Process _process;

    public MotoServer()
    {
        var path = Locate() ?? throw new InvalidOperationException(
            "moto_server was not found (looked in $HOME/.pyenv/shims and on PATH). Install moto 5.x: pip install 'moto[server]'.");
        Port = LoopbackServer.FreePort();
        var info = new ProcessStartInfo(path, $"-H 127.0.0.1 -p {Port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException($"moto_server could not be started from {path}.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilReady();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static string? Locate()
    {
        var home = Environment.GetEnvironmentVariable("HOME") ?? string.Empty;
        var shim = Path.Combine(home, ".pyenv", "shims", "moto_server");
        if (File.Exists(shim))
        {
            return shim;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "moto_server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private void WaitUntilReady()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before it was ready.");
            }

            try
            {
                var r = http.GetAsync($"{Url}/moto-api/").GetAwaiter().GetResult();
                if ((int)r.StatusCode < 500)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Thread.Sleep(200);
        }

        throw new InvalidOperationException($"moto_server did not answer on {Url} within 60 s.");
    }
}
