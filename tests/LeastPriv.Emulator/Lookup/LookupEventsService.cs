using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LeastPriv.Emulator.Proxy;
using LeastPriv.Emulator.Recording;

namespace LeastPriv.Emulator.Lookup;

/// <summary>
/// CloudTrail LookupEvents (Event history), which moto does not implement: management events of
/// the caller's Region from the last 90 days, newest first, at most one lookup attribute, 50 a
/// page, and CloudTrail's 2 requests per second per Region
/// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
/// </summary>
public sealed class LookupEventsService
{
    private static readonly TimeSpan History = TimeSpan.FromDays(90);
    private static readonly HashSet<string> AttributeKeys = new(StringComparer.Ordinal)
    {
        "EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId",
    };

    private readonly EventRecorder _recorder;
    private readonly StandInOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (double Tokens, DateTimeOffset At)> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public LookupEventsService(EventRecorder recorder, StandInOptions options, TimeProvider time)
    {
        _recorder = recorder;
        _options = options;
        _time = time;
    }

    public ForwardedResponse Handle(ApiCall call, string requestId)
    {
        var region = call.Region ?? "us-east-1";
        if (!TakeToken(region))
        {
            return Error(call, requestId, "ThrottlingException", "Rate exceeded");
        }

        JsonElement request;
        try
        {
            using var doc = JsonDocument.Parse(call.Body.Length == 0 ? "{}"u8.ToArray() : call.Body);
            request = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return Error(call, requestId, "SerializationException", ex.Message);
        }

        string? key = null, value = null;
        if (request.TryGetProperty("LookupAttributes", out var attributes) && attributes.ValueKind == JsonValueKind.Array)
        {
            var list = attributes.EnumerateArray().ToList();
            if (list.Count > 1)
            {
                return Error(call, requestId, "InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.");
            }

            if (list.Count == 1)
            {
                key = list[0].TryGetProperty("AttributeKey", out var k) ? k.GetString() : null;
                value = list[0].TryGetProperty("AttributeValue", out var v) ? v.GetString() : null;
                if (key is null || !AttributeKeys.Contains(key) || string.IsNullOrEmpty(value) || value.Length > 2000)
                {
                    return Error(call, requestId, "InvalidLookupAttributesException", $"Lookup attribute '{key}' is not valid.");
                }
            }
        }

        var maxResults = 50;
        if (request.TryGetProperty("MaxResults", out var mr) && mr.ValueKind != JsonValueKind.Null)
        {
            if (mr.ValueKind != JsonValueKind.Number || !mr.TryGetInt32(out maxResults) || maxResults is < 1 or > 50)
            {
                return Error(call, requestId, "InvalidMaxResultsException", "MaxResults must be between 1 and 50.");
            }
        }

        if (request.TryGetProperty("EventCategory", out var category) && category.ValueKind == JsonValueKind.String)
        {
            if (category.GetString() != "insight")
            {
                return Error(call, requestId, "InvalidEventCategoryException", "EventCategory must be insight.");
            }

            // The layer produces no Insights events.
            return Ok(requestId, [], null);
        }

        var now = _time.GetUtcNow();
        var requestedStart = ReadTime(request, "StartTime");
        var requestedEnd = ReadTime(request, "EndTime");
        var start = requestedStart ?? now - History;
        var end = requestedEnd ?? now;
        if (start > end)
        {
            return Error(call, requestId, "InvalidTimeRangeException", "StartTime must be before EndTime.");
        }

        if (start < now - History)
        {
            start = now - History;
        }

        var fingerprint = Fingerprint(region, key, value, requestedStart, requestedEnd);
        var matches = _recorder.Snapshot()
            .Where(e => e.ManagementEvent && e.AwsRegion == region && e.EventTime >= start && e.EventTime <= end && Matches(e, key, value))
            .Reverse()
            .ToList();

        var from = 0;
        if (request.TryGetProperty("NextToken", out var tokenElement) && tokenElement.ValueKind == JsonValueKind.String)
        {
            var after = ReadToken(tokenElement.GetString()!, fingerprint);
            var index = after is null ? -1 : matches.FindIndex(e => e.EventId == after);
            if (index < 0)
            {
                return Error(call, requestId, "InvalidNextTokenException", "The NextToken is not valid for these parameters.");
            }

            from = index + 1;
        }

        var page = matches.Skip(from).Take(maxResults).ToList();
        var next = from + page.Count < matches.Count ? MakeToken(fingerprint, page[^1].EventId) : null;
        return Ok(requestId, page, next);
    }

    private bool TakeToken(string region)
    {
        var rate = _options.LookupEventsRate;
        if (rate <= 0)
        {
            return true;
        }

        var capacity = Math.Max(1, rate);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var (tokens, at) = _buckets.TryGetValue(region, out var b) ? b : (capacity, now);
            tokens = Math.Min(capacity, tokens + (now - at).TotalSeconds * rate);
            if (tokens < 1)
            {
                _buckets[region] = (tokens, now);
                return false;
            }

            _buckets[region] = (tokens - 1, now);
            return true;
        }
    }

    private static bool Matches(RecordedEvent e, string? key, string? value) => key switch
    {
        null => true,
        "EventId" => e.EventId == value,
        "EventName" => e.EventName == value,
        "EventSource" => e.EventSource == value,
        "Username" => e.Username == value,
        "AccessKeyId" => e.AccessKeyId == value,
        "ReadOnly" => (e.ReadOnly ? "true" : "false") == value,
        "ResourceName" => e.Resources.Any(r => r.Name == value),
        "ResourceType" => e.Resources.Any(r => r.Type == value),
        _ => false,
    };

    /// <summary>Timestamps arrive as epoch seconds (botocore and the SDKs) or, from hand-written JSON, as ISO 8601 strings.</summary>
    private static DateTimeOffset? ReadTime(JsonElement request, string name)
    {
        if (!request.TryGetProperty(name, out var t))
        {
            return null;
        }

        return t.ValueKind switch
        {
            JsonValueKind.Number => DateTimeOffset.FromUnixTimeMilliseconds((long)(t.GetDouble() * 1000)),
            JsonValueKind.String when DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) => d,
            JsonValueKind.String when double.TryParse(t.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => DateTimeOffset.FromUnixTimeMilliseconds((long)(s * 1000)),
            _ => null,
        };
    }

    private static string Fingerprint(string region, string? key, string? value, DateTimeOffset? start, DateTimeOffset? end) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{region}|{key}|{value}|{start?.ToUnixTimeMilliseconds()}|{end?.ToUnixTimeMilliseconds()}")))[..16];

    // A NextToken is valid only with the same parameters; it names the last event returned.
    private static string MakeToken(string fingerprint, string lastEventId) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fingerprint}:{lastEventId}"));

    private static string? ReadToken(string token, string fingerprint)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon > 0 && text[..colon] == fingerprint ? text[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static ForwardedResponse Ok(string requestId, IReadOnlyList<RecordedEvent> events, string? nextToken)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("Events");
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteString("EventId", e.EventId);
                w.WriteString("EventName", e.EventName);
                w.WriteString("ReadOnly", e.ReadOnly ? "true" : "false");
                if (e.AccessKeyId is not null)
                {
                    w.WriteString("AccessKeyId", e.AccessKeyId);
                }

                w.WriteNumber("EventTime", e.EventTime.ToUnixTimeSeconds());
                w.WriteString("EventSource", e.EventSource);
                if (e.Username is not null)
                {
                    w.WriteString("Username", e.Username);
                }

                w.WriteStartArray("Resources");
                foreach (var r in e.Resources)
                {
                    w.WriteStartObject();
                    w.WriteString("ResourceType", r.Type);
                    w.WriteString("ResourceName", r.Name);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteString("CloudTrailEvent", e.Json);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (nextToken is not null)
            {
                w.WriteString("NextToken", nextToken);
            }

            w.WriteEndObject();
        }

        var body = buffer.ToArray();
        return new ForwardedResponse
        {
            StatusCode = 200,
            Headers =
            [
                new("x-amzn-RequestId", [requestId]),
                new("Content-Type", ["application/x-amz-json-1.1"]),
                new("Content-Length", [body.Length.ToString(CultureInfo.InvariantCulture)]),
            ],
            Body = body,
        };
    }

    private static ForwardedResponse Error(ApiCall call, string requestId, string code, string message) =>
        AwsError.For(call, 400, code, message, requestId).ToResponse();
}
