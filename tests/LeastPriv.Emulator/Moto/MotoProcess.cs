using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LeastPriv.Emulator.Moto;

/// <summary>A moto_server child process on a free loopback port, stopped with its whole process tree.</summary>
public sealed class MotoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Action<string>? _log;
    private readonly string _patchDirectory;

    private MotoProcess(Process process, Uri endpoint, Action<string>? log, string patchDirectory)
    {
        _process = process;
        Endpoint = endpoint;
        _log = log;
        _patchDirectory = patchDirectory;
    }

    /// <summary>Base URL of the moto server, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Endpoint { get; }

    /// <summary>Finds moto_server: the explicit path, else PATH, then $HOME/.pyenv/shims (see <see cref="ToolLocator"/>).</summary>
    public static string? Locate(string? explicitPath = null)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath) ? explicitPath : null;
        }

        return ToolLocator.Find("moto_server");
    }

    /// <summary>Starts moto on a free loopback port and waits until it answers HTTP.</summary>
    public static async Task<MotoProcess> StartAsync(string? explicitPath, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, Action<string>? log, CancellationToken cancellationToken)
    {
        var path = Locate(explicitPath) ?? throw new StandInException(explicitPath is not null ? $"moto_server was not found at '{explicitPath}'." :
            "moto_server was not found on PATH or in $HOME/.pyenv/shims. Install moto 5.x with its server extra (pip install 'moto[server]') or pass --moto-url for a running one.");
        var port = FreeLoopbackPort();
        var startInfo = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        startInfo.ArgumentList.Add("-H");
        startInfo.ArgumentList.Add("127.0.0.1");
        startInfo.ArgumentList.Add("-p");
        startInfo.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        // A sitecustomize module on PYTHONPATH corrects how moto sees signed query strings (see the file).
        var patchDirectory = WriteSiteCustomize();
        var pythonPath = startInfo.Environment.TryGetValue("PYTHONPATH", out var existing) && !string.IsNullOrEmpty(existing) ? patchDirectory + Path.PathSeparator + existing : patchDirectory;
        startInfo.Environment["PYTHONPATH"] = pythonPath;

        var process = Process.Start(startInfo) ?? throw new StandInException($"Could not start {path}.");
        var tail = new Queue<string>();
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (tail)
            {
                tail.Enqueue(line);
                while (tail.Count > 20)
                {
                    tail.Dequeue();
                }
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var moto = new MotoProcess(process, new Uri($"http://127.0.0.1:{port}/"), log, patchDirectory);
        try
        {
            await WaitUntilAnsweringAsync(moto.Endpoint, timeout, () => process.HasExited, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StandInException or OperationCanceledException)
        {
            await moto.DisposeAsync().ConfigureAwait(false);
            string lines;
            lock (tail)
            {
                lines = string.Join(Environment.NewLine, tail);
            }

            throw new StandInException($"moto_server ({path}) did not answer on port {port}: {ex.Message}{Environment.NewLine}{lines}");
        }

        log?.Invoke($"moto {path} listening on {moto.Endpoint}");
        return moto;
    }

    /// <summary>Polls moto's own dashboard route, which is never subject to IAM enforcement and counts as no action.</summary>
    public static async Task WaitUntilAnsweringAsync(Uri endpoint, TimeSpan timeout, Func<bool> hasExited, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (hasExited())
            {
                throw new StandInException("the process exited");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(endpoint, "moto-api/"), cancellationToken).ConfigureAwait(false);
                if ((int)response.StatusCode < 500)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new StandInException($"no answer within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(150, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string WriteSiteCustomize()
    {
        var directory = Path.Combine(Path.GetTempPath(), "leastpriv-moto-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        using var resource = typeof(MotoProcess).Assembly.GetManifestResourceStream("LeastPriv.Emulator.Moto.sitecustomize.py")
            ?? throw new StandInException("The moto start-up patch is missing from the emulator assembly.");
        using var file = File.Create(Path.Combine(directory, "sitecustomize.py"));
        resource.CopyTo(file);
        return directory;
    }

    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // moto_server is usually a pyenv shim (a shell script) that starts Python: the tree must go.
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            _log?.Invoke($"moto stop: {ex.Message}");
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_patchDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
