using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using LeastPriv.Emulator.Moto;
using LeastPriv.Emulator.Recording;

namespace LeastPriv.Emulator.Delivery;

/// <summary>A log file the layer wrote into a trail's bucket.</summary>
public sealed record DeliveredLogFile(string TrailArn, string Bucket, string Key, string Region, int RecordCount, DateTimeOffset DeliveredAt);

/// <summary>
/// Writes recorded events as CloudTrail log files (<c>{"Records":[…]}</c>, gzipped) into the
/// buckets of the trails moto has logging, every <see cref="StandInOptions.DeliveryInterval"/>,
/// for events older than <see cref="StandInOptions.DeliveryDelay"/>. Key layout per
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html:
/// <c>{prefix/}AWSLogs/{account}/CloudTrail/{region}/{yyyy}/{MM}/{dd}/{account}_CloudTrail_{region}_{yyyyMMddTHHmmZ}_{unique16}.json.gz</c>.
/// Everything here talks to moto directly, so none of it is recorded.
/// </summary>
public sealed class TrailDelivery : IAsyncDisposable
{
    private const string CloudTrailTarget = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    private const string UniqueAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly StandInServices _services;
    private readonly ConcurrentQueue<RecordedEvent> _incoming = new();
    private readonly List<RecordedEvent> _pending = [];
    private readonly SemaphoreSlim _pass = new(1, 1);
    private readonly ConcurrentDictionary<string, (DateTimeOffset ReadAt, IReadOnlyList<TrailConfiguration> Trails)> _trailCache = new(StringComparer.Ordinal);
    private readonly List<DeliveredLogFile> _delivered = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly IAmazonS3 _s3;

    public TrailDelivery(StandInServices services, EventRecorder recorder)
    {
        _services = services;
        _s3 = services.CreateS3Client(services.OperatorCredentials);
        recorder.Recorded += _incoming.Enqueue;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Every log file written so far.</summary>
    public IReadOnlyList<DeliveredLogFile> Delivered
    {
        get
        {
            lock (_delivered)
            {
                return [.. _delivered];
            }
        }
    }

    /// <summary>Delivers every pending event now (fresh trail configuration, no delivery delay).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        _trailCache.Clear();
        await DeliverAsync(force: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="FlushAsync"/>, but a failed delivery is logged rather than thrown.</summary>
    public async Task TryFlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StandInException or AmazonS3Exception or HttpRequestException or JsonException or IOException)
        {
            _services.Options.Log?.Invoke($"delivery: {ex.Message}");
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_services.Options.DeliveryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await DeliverAsync(force: false, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is StandInException or AmazonS3Exception or HttpRequestException or JsonException or IOException)
                {
                    _services.Options.Log?.Invoke($"delivery: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task DeliverAsync(bool force, CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (_incoming.TryDequeue(out var e))
            {
                _pending.Add(e);
            }

            var now = _services.Time.GetUtcNow();
            var ready = force ? [.. _pending] : _pending.Where(e => now - e.EventTime >= _services.Options.DeliveryDelay).ToList();
            if (ready.Count == 0)
            {
                return;
            }

            // Trail configuration must be read after the newest event happened, or a trail that
            // started logging just before it would look idle and the event would be lost.
            var newest = ready.Max(e => e.EventTime);
            var trails = await TrailsAsync(ready.Select(e => e.AwsRegion).Append("us-east-1").Distinct(StringComparer.Ordinal), newest, cancellationToken).ConfigureAwait(false);
            foreach (var trail in trails.Where(t => t.IsLogging))
            {
                foreach (var group in ready.Where(trail.Wants).GroupBy(e => e.AwsRegion, StringComparer.Ordinal))
                {
                    await WriteLogFileAsync(trail, group.Key, group.ToList(), cancellationToken).ConfigureAwait(false);
                }
            }

            var taken = ready.ToHashSet();
            _pending.RemoveAll(taken.Contains);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task WriteLogFileAsync(TrailConfiguration trail, string region, List<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var account = _services.AccountId;
        var at = _services.Time.GetUtcNow().UtcDateTime;
        var unique = string.Create(16, Random.Shared, static (span, random) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = UniqueAlphabet[random.Next(UniqueAlphabet.Length)];
            }
        });
        var prefix = string.IsNullOrEmpty(trail.KeyPrefix) ? string.Empty : trail.KeyPrefix.TrimEnd('/') + "/";
        var key = string.Create(CultureInfo.InvariantCulture,
            $"{prefix}AWSLogs/{account}/CloudTrail/{region}/{at:yyyy}/{at:MM}/{at:dd}/{account}_CloudTrail_{region}_{at:yyyyMMdd'T'HHmm'Z'}_{unique}.json.gz");

        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            zip.Write("{\"Records\":["u8);
            for (var i = 0; i < events.Count; i++)
            {
                if (i > 0)
                {
                    zip.Write(","u8);
                }

                zip.Write(Encoding.UTF8.GetBytes(events[i].Json));
            }

            zip.Write("]}"u8);
        }

        gz.Position = 0;
        try
        {
            await _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = trail.BucketName,
                Key = key,
                InputStream = gz,
                ContentType = "application/json",
                AutoCloseStream = false,
                UseChunkEncoding = false,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex)
        {
            // CloudTrail records the failure on the trail (LatestDeliveryError) and drops the file.
            _services.Options.Log?.Invoke($"delivery to s3://{trail.BucketName}/{key} failed: {ex.ErrorCode} {ex.Message}");
            return;
        }

        lock (_delivered)
        {
            _delivered.Add(new DeliveredLogFile(trail.TrailArn, trail.BucketName, key, region, events.Count, at));
        }

        _services.Options.Log?.Invoke($"delivered {events.Count} record(s) to s3://{trail.BucketName}/{key}");
    }

    /// <summary>Forgets the cached trail configuration (a trail call just changed it).</summary>
    public void InvalidateTrails() => _trailCache.Clear();

    private async Task<IReadOnlyList<TrailConfiguration>> TrailsAsync(IEnumerable<string> regions, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        var byArn = new Dictionary<string, TrailConfiguration>(StringComparer.Ordinal);
        foreach (var region in regions)
        {
            if (!_trailCache.TryGetValue(region, out var cached) || cached.ReadAt <= notBefore || _services.Time.GetUtcNow() - cached.ReadAt > _services.Options.TrailCacheDuration)
            {
                var readAt = _services.Time.GetUtcNow();
                IReadOnlyList<TrailConfiguration> read;
                try
                {
                    read = await ReadTrailsAsync(region, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is StandInException or HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    // A Region moto cannot answer for (e.g. a made-up name a client signed with) has no trails.
                    _services.Options.Log?.Invoke($"delivery: no trails read for {region}: {ex.Message}");
                    read = [];
                }

                cached = (readAt, read);
                _trailCache[region] = cached;
            }

            foreach (var trail in cached.Trails)
            {
                byArn.TryAdd(trail.TrailArn, trail);
            }
        }

        return [.. byArn.Values];
    }

    /// <summary>DescribeTrails in <paramref name="region"/> (its own trails and multi-Region shadows), then each trail's status and selectors in its home Region.</summary>
    private async Task<IReadOnlyList<TrailConfiguration>> ReadTrailsAsync(string region, CancellationToken cancellationToken)
    {
        var credentials = _services.OperatorCredentials;
        using var described = MotoClient.ParseJson(
            await _services.Moto.JsonAsync("cloudtrail", region, CloudTrailTarget + "DescribeTrails", "{\"includeShadowTrails\":true}", credentials, cancellationToken).ConfigureAwait(false),
            "DescribeTrails");
        var result = new List<TrailConfiguration>();
        if (!described.RootElement.TryGetProperty("trailList", out var list))
        {
            return result;
        }

        foreach (var trail in list.EnumerateArray())
        {
            var arn = trail.GetProperty("TrailARN").GetString()!;
            var name = trail.GetProperty("Name").GetString()!;
            var home = trail.TryGetProperty("HomeRegion", out var h) ? h.GetString() ?? region : region;
            var nameJson = JsonSerializer.Serialize(new Dictionary<string, string> { ["Name"] = name });
            using var status = MotoClient.ParseJson(
                await _services.Moto.JsonAsync("cloudtrail", home, CloudTrailTarget + "GetTrailStatus", nameJson, credentials, cancellationToken).ConfigureAwait(false),
                "GetTrailStatus");
            using var selectors = MotoClient.ParseJson(
                await _services.Moto.JsonAsync("cloudtrail", home, CloudTrailTarget + "GetEventSelectors", JsonSerializer.Serialize(new Dictionary<string, string> { ["TrailName"] = arn }), credentials, cancellationToken).ConfigureAwait(false),
                "GetEventSelectors");
            result.Add(TrailConfiguration.FromDescribe(trail, status.RootElement, selectors.RootElement));
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _s3.Dispose();
        _stop.Dispose();
        _pass.Dispose();
    }
}
