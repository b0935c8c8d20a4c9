using System.Net;
using Amazon.Runtime;
using LeastPriv.Emulator.Identity;
using LeastPriv.Emulator.Moto;
using LeastPriv.Emulator.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeastPriv.Emulator;

/// <summary>
/// The local AWS stand-in: moto behind a layer on 127.0.0.1 that records every client call as a
/// CloudTrail record, delivers log files to logging trails, answers LookupEvents and routes
/// IAM Access Analyzer.
/// <code>
/// await using var standIn = await StandIn.StartAsync(new StandInOptions { Port = 0 });
/// // point clients at standIn.Endpoint with standIn.OperatorCredentials
/// </code>
/// </summary>
public sealed class StandIn : IAsyncDisposable
{
    // moto's bootstrap for --enforce-iam: CreateUser, AttachUserPolicy, CreateAccessKey run before
    // enforcement starts (INITIAL_NO_AUTH_ACTION_COUNT); everything after must be signed and allowed.
    private const int BootstrapActionCount = 3;
    private const string AdministratorAccessArn = "arn:aws:iam::aws:policy/AdministratorAccess";

    private readonly MotoProcess? _motoProcess;
    private readonly WebApplication _app;
    private readonly StandInGateway _gateway;
    private bool _disposed;

    private StandIn(StandInOptions options, MotoProcess? motoProcess, WebApplication app, StandInGateway gateway, StandInServices services, OperatorCredentials operatorCredentials)
    {
        Options = options;
        _motoProcess = motoProcess;
        _app = app;
        _gateway = gateway;
        Services = services;
        Operator = operatorCredentials;
    }

    public StandInOptions Options { get; }

    /// <summary>The layer's URL, e.g. http://127.0.0.1:4566/ — use it as the endpoint of every AWS client.</summary>
    public Uri Endpoint => Services.LayerEndpoint;

    /// <summary>moto's own URL (not recorded: for checks that must not appear in CloudTrail).</summary>
    public Uri MotoEndpoint => Services.MotoEndpoint;

    /// <summary>The emulated account id.</summary>
    public string Account => Services.AccountId;

    /// <summary>The operator user created at start-up (AdministratorAccess when IAM is enforced).</summary>
    public OperatorCredentials Operator { get; }

    /// <summary>What the routed service emulators get.</summary>
    public StandInServices Services { get; }

    /// <summary>Every CloudTrail record the layer has produced, oldest first.</summary>
    public IReadOnlyList<RecordedEvent> RecordedEvents => _gateway.Recorder.Snapshot();

    /// <summary>The fault dice and their counts; the fault knobs of <see cref="Options"/> may be changed while running.</summary>
    public Faults.FaultInjector Faults => _gateway.Faults;

    /// <summary>Every log file the layer has written into a trail's bucket.</summary>
    public IReadOnlyList<Delivery.DeliveredLogFile> DeliveredLogFiles => _gateway.Delivery.Delivered;

    /// <summary>
    /// Reads the CloudTrail log files under <paramref name="prefix"/> in <paramref name="bucket"/>
    /// straight from moto (as the operator; not recorded): each object's key and its records.
    /// </summary>
    public async Task<IReadOnlyList<LogFileContent>> ReadLogFilesAsync(string bucket, string prefix = "", CancellationToken cancellationToken = default)
    {
        using var s3 = Services.CreateS3Client(Services.OperatorCredentials);
        var files = new List<LogFileContent>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token }, cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                using var get = await s3.GetObjectAsync(bucket, o.Key, cancellationToken).ConfigureAwait(false);
                await using var gz = new System.IO.Compression.GZipStream(get.ResponseStream, System.IO.Compression.CompressionMode.Decompress);
                using var doc = await System.Text.Json.JsonDocument.ParseAsync(gz, cancellationToken: cancellationToken).ConfigureAwait(false);
                files.Add(new LogFileContent(o.Key, [.. doc.RootElement.GetProperty("Records").EnumerateArray().Select(r => r.Clone())]));
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return files;
    }

    /// <summary>Delivers every pending event to every logging trail now, ignoring the delivery delay.</summary>
    public Task FlushDeliveryAsync(CancellationToken cancellationToken = default) => _gateway.Delivery.FlushAsync(cancellationToken);

    public static async Task<StandIn> StartAsync(StandInOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > 65535)
        {
            throw new StandInException($"Port {options.Port} is not a TCP port (0 picks a free one).");
        }

        var time = TimeProvider.System;
        MotoProcess? motoProcess = null;
        Uri motoEndpoint;
        if (options.MotoUrl is not null)
        {
            motoEndpoint = options.MotoUrl;
            await MotoProcess.WaitUntilAnsweringAsync(motoEndpoint, options.MotoStartTimeout, () => false, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var env = new Dictionary<string, string>();
            if (options.EnforceIam)
            {
                env["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true";
                env["INITIAL_NO_AUTH_ACTION_COUNT"] = BootstrapActionCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (options.IgnoreInterrupt)
            {
                env["LEASTPRIV_MOTO_IGNORE_SIGINT"] = "1";
            }

            motoProcess = await MotoProcess.StartAsync(options.MotoServerPath, env, options.MotoStartTimeout, options.Log, cancellationToken).ConfigureAwait(false);
            motoEndpoint = motoProcess.Endpoint;
        }

        var moto = new MotoClient(motoEndpoint);
        try
        {
            var op = await BootstrapOperatorAsync(moto, options, cancellationToken).ConfigureAwait(false);
            var credentials = new BasicAWSCredentials(op.AccessKeyId, op.SecretAccessKey);
            var keys = new AccessKeyDirectory(moto, op.AccountId, () => credentials, time);
            keys.Remember(new CallerIdentity("IAMUser", op.UserId, op.Arn, op.AccountId, op.AccessKeyId, op.UserName));

            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                k.Limits.MaxRequestBodySize = null;
                k.Listen(IPAddress.Loopback, options.Port);
            });
            // The layer is often a library inside a test host: it must not take over SIGTERM/Ctrl+C.
            builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
            var app = builder.Build();
            StandInGateway? gateway = null;
            app.Run(context => gateway!.HandleAsync(context));
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw new StandInException($"Cannot listen on 127.0.0.1:{options.Port}: {ex.Message}", ex);
            }

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var layerEndpoint = new Uri(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority) + "/");
            var services = new StandInServices(motoEndpoint, layerEndpoint, op.AccountId, credentials, moto, keys, options, time);
            gateway = new StandInGateway(services);
            var standIn = new StandIn(options, motoProcess, app, gateway, services, op);
            options.Log?.Invoke($"stand-in listening on {layerEndpoint} in front of {motoEndpoint}");
            return standIn;
        }
        catch
        {
            moto.Dispose();
            if (motoProcess is not null)
            {
                await motoProcess.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    private static async Task<OperatorCredentials> BootstrapOperatorAsync(MotoClient moto, StandInOptions options, CancellationToken cancellationToken)
    {
        // Before enforcement starts moto does not check signatures, so any key signs the bootstrap.
        var bootstrap = new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        var created = await moto.QueryAsync("iam", "us-east-1", "CreateUser", "2010-05-08", [new("UserName", options.OperatorUserName)], bootstrap, cancellationToken).ConfigureAwait(false);
        if (!created.IsSuccess && !created.Text.Contains("EntityAlreadyExists", StringComparison.Ordinal))
        {
            throw new StandInException($"Could not create the operator user in moto: {created.Text}");
        }

        if (options.EnforceIam)
        {
            MotoClient.ParseQuery(
                await moto.QueryAsync("iam", "us-east-1", "AttachUserPolicy", "2010-05-08", [new("UserName", options.OperatorUserName), new("PolicyArn", AdministratorAccessArn)], bootstrap, cancellationToken).ConfigureAwait(false),
                "AttachUserPolicy");
        }

        var key = MotoClient.ParseQuery(
            await moto.QueryAsync("iam", "us-east-1", "CreateAccessKey", "2010-05-08", [new("UserName", options.OperatorUserName)], bootstrap, cancellationToken).ConfigureAwait(false),
            "CreateAccessKey");
        var ns = key.Name.Namespace;
        var akid = key.Descendants(ns + "AccessKeyId").First().Value;
        var secret = key.Descendants(ns + "SecretAccessKey").First().Value;
        var operatorCredentials = new BasicAWSCredentials(akid, secret);

        var user = MotoClient.ParseQuery(
            await moto.QueryAsync("iam", "us-east-1", "GetUser", "2010-05-08", [new("UserName", options.OperatorUserName)], operatorCredentials, cancellationToken).ConfigureAwait(false),
            "GetUser");
        var arn = user.Descendants(ns + "Arn").First().Value;
        return new OperatorCredentials(options.OperatorUserName, user.Descendants(ns + "UserId").First().Value, arn, arn.Split(':')[4], akid, secret);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _gateway.DisposeAsync().ConfigureAwait(false);
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            Services.Moto.Dispose();
            if (_motoProcess is not null)
            {
                await _motoProcess.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>The operator user's identity and long-term key.</summary>
public sealed record OperatorCredentials(string UserName, string UserId, string Arn, string AccountId, string AccessKeyId, string SecretAccessKey)
{
    public AWSCredentials ToAwsCredentials() => new BasicAWSCredentials(AccessKeyId, SecretAccessKey);

    /// <summary>Keeps the secret out of logs and test output.</summary>
    public override string ToString() => $"{Arn} ({AccessKeyId})";
}

/// <summary>A host lifetime that leaves process signals to whoever embeds the stand-in.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>One delivered log file: its S3 key and its records.</summary>
public sealed record LogFileContent(string Key, IReadOnlyList<System.Text.Json.JsonElement> Records);
