using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using LeastPriv.Emulator.AccessAnalyzer;
using LeastPriv.Emulator.Moto;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace LeastPriv.Emulator.Tests.AccessAnalyzer;

/// <summary>
/// A moto server on 127.0.0.1 for the whole test class, the AWS CLI to drive it, and a way to
/// host the emulated Access Analyzer in Kestrel in front of it.
/// </summary>
public sealed class StandInHarness : IAsyncLifetime
{
    public const string Account = "123456789012";
    public const string CallerKey = "AKIAIOSFODNN7CALLER1";
    public const string CallerArn = "arn:aws:iam::123456789012:user/lp-operator";

    private static readonly string Shims = Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".pyenv", "shims");
    private Process? _moto;

    public Uri MotoUrl { get; private set; } = new("http://127.0.0.1");

    public static string Tool(string name)
    {
        // The pyenv shim costs seconds per call; the installed script behind it answers the same.
        var versions = Path.Combine(Path.GetDirectoryName(Shims)!, "versions");
        var installed = Directory.Exists(versions)
            ? Directory.GetDirectories(versions).Order(StringComparer.Ordinal).Reverse().Select(v => Path.Combine(v, "bin", name))
            : [];
        var candidates = installed.Append(Path.Combine(Shims, name))
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, name)));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"'{name}' was not found in {Shims} or on PATH; install moto[server] and awscli in the pyenv Python.");
    }

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Tool("moto_server"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-H");
        start.ArgumentList.Add("127.0.0.1");
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _moto = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start.");
        _moto.OutputDataReceived += (_, _) => { };
        _moto.ErrorDataReceived += (_, _) => { };
        _moto.BeginOutputReadLine();
        _moto.BeginErrorReadLine();
        MotoUrl = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(MotoUrl, "/moto-api/"));
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline || _moto.HasExited)
            {
                throw new InvalidOperationException("moto_server did not answer on " + MotoUrl);
            }

            await Task.Delay(200);
        }
    }

    public Task DisposeAsync()
    {
        if (_moto is { HasExited: false })
        {
            _moto.Kill(entireProcessTree: true);
            _moto.WaitForExit(10_000);
        }

        _moto?.Dispose();
        return Task.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs the AWS CLI with the given key against <paramref name="endpoint"/>; returns exit code, stdout, stderr.</summary>
    public static Task<(int ExitCode, string Out, string Err)> AwsAsync(Uri endpoint, string accessKey, params string[] args) =>
        AwsAsync(endpoint, accessKey, "stand-in-secret", args);

    public static async Task<(int ExitCode, string Out, string Err)> AwsAsync(Uri endpoint, string accessKey, string secretKey, params string[] args)
    {
        var start = new ProcessStartInfo(Tool("aws"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--endpoint-url");
        start.ArgumentList.Add(endpoint.ToString().TrimEnd('/'));
        start.ArgumentList.Add("--output");
        start.ArgumentList.Add("json");
        start.ArgumentList.Add("--region");
        start.ArgumentList.Add("us-east-1");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = accessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = secretKey;
        start.Environment.Remove("AWS_SESSION_TOKEN");
        start.Environment.Remove("AWS_PROFILE");
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/lp-config";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/lp-credentials";
        start.Environment["AWS_PAGER"] = string.Empty;
        start.Environment["AWS_MAX_ATTEMPTS"] = "1";
        start.Environment["AWS_RETRY_MODE"] = "standard";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("aws did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>AWS CLI against moto; throws when the command fails.</summary>
    public async Task<string> MotoCliAsync(params string[] args)
    {
        var (code, output, error) = await AwsAsync(MotoUrl, "AKIAIOSFODNN7EXAMPLE", args);
        Assert.True(code == 0, $"aws {string.Join(' ', args)} failed ({code}): {error}");
        return output;
    }

    public IAmazonS3 S3() => new AmazonS3Client(
        new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "stand-in-secret"),
        new AmazonS3Config { ServiceURL = MotoUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    /// <summary>Creates a bucket and a trail writing to it; returns the trail ARN.</summary>
    public async Task<string> CreateTrailAsync(string name, string bucket)
    {
        await MotoCliAsync("s3api", "create-bucket", "--bucket", bucket);
        var output = await MotoCliAsync("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket, "--is-multi-region-trail");
        using var document = System.Text.Json.JsonDocument.Parse(output);
        return document.RootElement.GetProperty("TrailARN").GetString()!;
    }

    /// <summary>Creates a role with the given trust principal service; returns its ARN.</summary>
    public async Task<string> CreateRoleAsync(string name, string trustedService, string path = "/service-role/")
    {
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + trustedService + "\"},\"Action\":\"sts:AssumeRole\"}]}";
        var output = await MotoCliAsync("iam", "create-role", "--role-name", name, "--path", path, "--assume-role-policy-document", trust);
        using var document = System.Text.Json.JsonDocument.Parse(output);
        return document.RootElement.GetProperty("Role").GetProperty("Arn").GetString()!;
    }

    /// <summary>Writes one gzipped CloudTrail log file in the delivery layout.</summary>
    public async Task DeliverAsync(string bucket, string region, DateTimeOffset deliveredAt, IEnumerable<string> records, string? unique = null)
    {
        var json = "{\"Records\":[" + string.Join(",", records) + "]}";
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(json));
        }

        var time = deliveredAt.UtcDateTime;
        unique ??= Guid.NewGuid().ToString("N")[..16];
        var key = $"AWSLogs/{Account}/CloudTrail/{region}/{time:yyyy}/{time:MM}/{time:dd}/{Account}_CloudTrail_{region}_{time:yyyyMMdd'T'HHmm'Z'}_{unique}.json.gz";
        using var s3 = S3();
        buffer.Position = 0;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = buffer });
    }

    /// <summary>Hosts an emulator on a free 127.0.0.1 port.</summary>
    public async Task<AnalyzerHost> HostAsync(AccessAnalyzerEmulatorOptions options)
    {
        var standIn = new TestStandIn(MotoUrl);
        return await HostAsync(new AccessAnalyzerEmulator(options, standIn), standIn);
    }

    /// <summary>Hosts an already built emulator on a free 127.0.0.1 port.</summary>
    public static async Task<AnalyzerHost> HostAsync(AccessAnalyzerEmulator emulator, IDisposable? owned = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(emulator.HandleAsync);
        await app.StartAsync();
        return new AnalyzerHost(app, emulator, owned, new Uri($"http://127.0.0.1:{port}"));
    }
}

/// <summary>A running emulator; disposing stops it.</summary>
public sealed class AnalyzerHost(WebApplication app, AccessAnalyzerEmulator emulator, IDisposable? owned, Uri url) : IAsyncDisposable
{
    public Uri Url { get; } = url;

    public AccessAnalyzerEmulator Emulator { get; } = emulator;

    public Task<(int ExitCode, string Out, string Err)> CliAsync(params string[] args) =>
        StandInHarness.AwsAsync(Url, StandInHarness.CallerKey, ["accessanalyzer", .. args]);

    public Task<(int ExitCode, string Out, string Err)> CliAsAsync(string accessKey, params string[] args) =>
        StandInHarness.AwsAsync(Url, accessKey, ["accessanalyzer", .. args]);

    public Task<(int ExitCode, string Out, string Err)> CliWithSecretAsync(string accessKey, string secretKey, params string[] args) =>
        StandInHarness.AwsAsync(Url, accessKey, secretKey, ["accessanalyzer", .. args]);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        Emulator.Dispose();
        owned?.Dispose();
    }
}

/// <summary>The stand-in as the emulated service sees it: one known caller, clients against moto.</summary>
public sealed class TestStandIn(Uri motoUrl) : IAnalyzerStandIn, IDisposable
{
    public MotoClient Moto { get; } = new(motoUrl);

    public AWSCredentials ServiceCredentials { get; } = new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "stand-in-secret");

    public Task<string?> ResolveCallerArnAsync(string accessKeyId, CancellationToken cancellationToken) =>
        Task.FromResult(accessKeyId == StandInHarness.CallerKey ? StandInHarness.CallerArn : null);

    public IAmazonS3 CreateS3Client(AWSCredentials credentials, string region) => new AmazonS3Client(
        credentials, new AmazonS3Config { ServiceURL = motoUrl.ToString(), ForcePathStyle = true, AuthenticationRegion = region });

    public IAmazonSecurityTokenService CreateStsClient(AWSCredentials credentials, string region) => new AmazonSecurityTokenServiceClient(
        credentials, new AmazonSecurityTokenServiceConfig { ServiceURL = motoUrl.ToString(), AuthenticationRegion = region });

    public void Dispose() => Moto.Dispose();
}
