using System.Text.Json;

namespace LeastPriv.Emulator.Delivery;

/// <summary>A trail as read from moto: where it writes, what it covers, since when it logs, its selectors.</summary>
public sealed class TrailConfiguration
{
    public required string Name { get; init; }

    public required string TrailArn { get; init; }

    public required string HomeRegion { get; init; }

    public required string BucketName { get; init; }

    public string? KeyPrefix { get; init; }

    public bool IsMultiRegion { get; init; }

    public bool IncludeGlobalServiceEvents { get; init; } = true;

    public bool IsLogging { get; init; }

    public DateTimeOffset? StartLoggingTime { get; init; }

    public IReadOnlyList<EventSelector> EventSelectors { get; init; } = [];

    public IReadOnlyList<AdvancedEventSelector> AdvancedEventSelectors { get; init; } = [];

    /// <summary>
    /// Whether CloudTrail would write <paramref name="recorded"/> to this trail: logging since before
    /// the event, the event's Region covered (global IAM events are us-east-1 events), and the
    /// event selectors asking for it (management events only when there are none).
    /// </summary>
    public bool Wants(RecordedEvent recorded)
    {
        if (!IsLogging || StartLoggingTime is null || recorded.EventTime < StartLoggingTime.Value)
        {
            return false;
        }

        if (!IsMultiRegion && recorded.AwsRegion != HomeRegion)
        {
            return false;
        }

        if (!IncludeGlobalServiceEvents && recorded.EventSource == "iam.amazonaws.com")
        {
            return false;
        }

        if (EventSelectors.Count > 0)
        {
            return EventSelectors.Any(s => s.Matches(recorded));
        }

        if (AdvancedEventSelectors.Count > 0)
        {
            return AdvancedEventSelectors.Any(s => s.Matches(recorded));
        }

        return recorded.ManagementEvent;
    }

    /// <summary>Reads one element of DescribeTrails' trailList.</summary>
    public static TrailConfiguration FromDescribe(JsonElement trail, JsonElement status, JsonElement selectors)
    {
        static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static bool Bool(JsonElement e, string name, bool fallback) => e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

        // JSON 1.1 timestamps are epoch seconds; accept the ISO form as well.
        DateTimeOffset? started = null;
        if (status.TryGetProperty("StartLoggingTime", out var st))
        {
            if (st.ValueKind == JsonValueKind.Number)
            {
                started = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(st.GetDouble() * 1000));
            }
            else if (st.ValueKind == JsonValueKind.String && double.TryParse(st.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                started = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Floor(seconds * 1000));
            }
            else if (st.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(st.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var iso))
            {
                started = iso;
            }
        }

        var basic = new List<EventSelector>();
        if (selectors.TryGetProperty("EventSelectors", out var es) && es.ValueKind == JsonValueKind.Array)
        {
            basic.AddRange(es.EnumerateArray().Select(EventSelector.FromJson));
        }

        var advanced = new List<AdvancedEventSelector>();
        if (selectors.TryGetProperty("AdvancedEventSelectors", out var aes) && aes.ValueKind == JsonValueKind.Array)
        {
            advanced.AddRange(aes.EnumerateArray().Select(AdvancedEventSelector.FromJson));
        }

        return new TrailConfiguration
        {
            Name = Str(trail, "Name") ?? string.Empty,
            TrailArn = Str(trail, "TrailARN") ?? string.Empty,
            HomeRegion = Str(trail, "HomeRegion") ?? "us-east-1",
            BucketName = Str(trail, "S3BucketName") ?? string.Empty,
            KeyPrefix = Str(trail, "S3KeyPrefix"),
            IsMultiRegion = Bool(trail, "IsMultiRegionTrail", false),
            IncludeGlobalServiceEvents = Bool(trail, "IncludeGlobalServiceEvents", true),
            IsLogging = Bool(status, "IsLogging", false),
            StartLoggingTime = started,
            EventSelectors = basic,
            AdvancedEventSelectors = advanced,
        };
    }
}

/// <summary>
/// A basic event selector (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html).
/// </summary>
public sealed class EventSelector
{
    public string ReadWriteType { get; init; } = "All";

    public bool IncludeManagementEvents { get; init; } = true;

    public IReadOnlyList<string> ExcludeManagementEventSources { get; init; } = [];

    /// <summary>Data resources: type → ARN prefixes (e.g. AWS::S3::Object → arn:aws:s3:::bucket/).</summary>
    public IReadOnlyList<(string Type, IReadOnlyList<string> Values)> DataResources { get; init; } = [];

    public bool Matches(RecordedEvent recorded)
    {
        if (ReadWriteType == "ReadOnly" && !recorded.ReadOnly || ReadWriteType == "WriteOnly" && recorded.ReadOnly)
        {
            return false;
        }

        if (recorded.ManagementEvent)
        {
            return IncludeManagementEvents && !ExcludeManagementEventSources.Contains(recorded.EventSource);
        }

        var arns = RecordResources.Arns(recorded).ToList();
        return DataResources.Any(d => arns.Any(a => a.Type == d.Type && d.Values.Any(v => CoversArn(v, a.Arn))));
    }

    // "arn:aws:s3" (or "arn:aws:s3:::") selects every bucket; otherwise a value is an ARN prefix.
    private static bool CoversArn(string value, string arn) =>
        value is "arn:aws:s3" or "arn:aws:s3:::" or "arn:aws:s3:::*" || arn.StartsWith(value, StringComparison.Ordinal);

    public static EventSelector FromJson(JsonElement e)
    {
        var data = new List<(string, IReadOnlyList<string>)>();
        if (e.TryGetProperty("DataResources", out var dr) && dr.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in dr.EnumerateArray())
            {
                var values = r.TryGetProperty("Values", out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : [];
                data.Add((r.TryGetProperty("Type", out var t) ? t.GetString() ?? string.Empty : string.Empty, values));
            }
        }

        return new EventSelector
        {
            ReadWriteType = e.TryGetProperty("ReadWriteType", out var rw) && rw.ValueKind == JsonValueKind.String ? rw.GetString()! : "All",
            IncludeManagementEvents = !e.TryGetProperty("IncludeManagementEvents", out var im) || im.ValueKind != JsonValueKind.False,
            ExcludeManagementEventSources = e.TryGetProperty("ExcludeManagementEventSources", out var ex) && ex.ValueKind == JsonValueKind.Array ? ex.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : [],
            DataResources = data,
        };
    }
}

/// <summary>
/// An advanced event selector: every field condition must hold
/// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
/// </summary>
public sealed class AdvancedEventSelector
{
    public IReadOnlyList<FieldSelector> FieldSelectors { get; init; } = [];

    public bool Matches(RecordedEvent recorded) => FieldSelectors.All(f => f.Matches(recorded));

    public static AdvancedEventSelector FromJson(JsonElement e) => new()
    {
        FieldSelectors = e.TryGetProperty("FieldSelectors", out var fs) && fs.ValueKind == JsonValueKind.Array ? fs.EnumerateArray().Select(FieldSelector.FromJson).ToList() : [],
    };
}

public sealed class FieldSelector
{
    public required string Field { get; init; }

    public IReadOnlyList<string> EqualsValues { get; init; } = [];

    public IReadOnlyList<string> StartsWith { get; init; } = [];

    public IReadOnlyList<string> EndsWith { get; init; } = [];

    public IReadOnlyList<string> NotEquals { get; init; } = [];

    public IReadOnlyList<string> NotStartsWith { get; init; } = [];

    public IReadOnlyList<string> NotEndsWith { get; init; } = [];

    public bool Matches(RecordedEvent recorded)
    {
        var values = Field switch
        {
            "eventCategory" => [recorded.ManagementEvent ? "Management" : "Data"],
            "eventSource" => [recorded.EventSource],
            "eventName" => [recorded.EventName],
            "readOnly" => [recorded.ReadOnly ? "true" : "false"],
            "resources.type" => RecordResources.Arns(recorded).Select(a => a.Type).Distinct().ToList(),
            "resources.ARN" => RecordResources.Arns(recorded).Where(a => a.Type != "AWS::S3::Bucket" || recorded.ManagementEvent).Select(a => a.Arn).ToList(),
            "userIdentity.arn" => [recorded.Record.GetProperty("userIdentity").TryGetProperty("arn", out var arn) ? arn.GetString() ?? string.Empty : string.Empty],
            _ => new List<string>(),
        };

        if (values.Count == 0)
        {
            // A condition on a field the event does not have (e.g. resources.type on an IAM call) fails.
            return EqualsValues.Count == 0 && StartsWith.Count == 0 && EndsWith.Count == 0;
        }

        return values.Any(v =>
            (EqualsValues.Count == 0 || EqualsValues.Contains(v))
            && (StartsWith.Count == 0 || StartsWith.Any(p => v.StartsWith(p, StringComparison.Ordinal)))
            && (EndsWith.Count == 0 || EndsWith.Any(p => v.EndsWith(p, StringComparison.Ordinal)))
            && !NotEquals.Contains(v)
            && !NotStartsWith.Any(p => v.StartsWith(p, StringComparison.Ordinal))
            && !NotEndsWith.Any(p => v.EndsWith(p, StringComparison.Ordinal)));
    }

    public static FieldSelector FromJson(JsonElement e)
    {
        IReadOnlyList<string> List(string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToList() : [];
        return new FieldSelector
        {
            Field = e.TryGetProperty("Field", out var f) ? f.GetString() ?? string.Empty : string.Empty,
            EqualsValues = List("Equals"),
            StartsWith = List("StartsWith"),
            EndsWith = List("EndsWith"),
            NotEquals = List("NotEquals"),
            NotStartsWith = List("NotStartsWith"),
            NotEndsWith = List("NotEndsWith"),
        };
    }
}

/// <summary>The (type, ARN) pairs of a record's resources[] element.</summary>
public static class RecordResources
{
    public static IEnumerable<(string Type, string Arn)> Arns(RecordedEvent recorded)
    {
        if (!recorded.Record.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var r in resources.EnumerateArray())
        {
            var type = r.TryGetProperty("type", out var t) ? t.GetString() ?? string.Empty : string.Empty;
            if (r.TryGetProperty("ARN", out var arn))
            {
                yield return (type, arn.GetString() ?? string.Empty);
            }
            else if (r.TryGetProperty("ARNPrefix", out var prefix))
            {
                yield return (type, prefix.GetString() ?? string.Empty);
            }
        }
    }
}
