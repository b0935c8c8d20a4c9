using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LeastPriv.Core.Aws;

/// <summary>
/// CloudTrail over JSON 1.1 (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/):
/// POST / with <c>X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.&lt;Op&gt;</c>,
/// epoch-second timestamps, <c>NextToken</c> pagination.
/// </summary>
internal sealed class CloudTrailClient : ICloudTrailApi
{
    internal const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";
    private const string JsonContentType = "application/x-amz-json-1.1";

    private static readonly HashSet<string> LookupKeys = new(StringComparer.Ordinal)
    {
        "EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId",
    };

    private readonly AwsTransport _transport;

    public CloudTrailClient(AwsContext context)
    {
        _transport = new AwsTransport(context, AwsService.CloudTrail, AwsErrorReader.Json);
    }

    /// <summary>
    /// LookupEvents is limited to 2 requests per second per account and region, a limit that
    /// cannot be raised (CloudTrail UG, "Quotas in AWS CloudTrail"); pages are spaced this far apart.
    /// </summary>
    public TimeSpan LookupEventsMinInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public Task<CloudTrailTrail> CreateTrailAsync(CloudTrailCreateTrailRequest request, CancellationToken cancellationToken = default)
    {
        var body = AwsJson.Object(w =>
        {
            w.String("Name", request.Name);
            w.String("S3BucketName", request.S3BucketName);
            w.String("S3KeyPrefix", request.S3KeyPrefix);
            w.Bool("IncludeGlobalServiceEvents", request.IncludeGlobalServiceEvents);
            w.Bool("IsMultiRegionTrail", request.IsMultiRegionTrail);
            w.Bool("EnableLogFileValidation", request.EnableLogFileValidation);
            w.String("KmsKeyId", request.KmsKeyId);
            w.Tags("TagsList", request.TagsList.Count == 0 ? null : request.TagsList);
        });
        return CallAsync("CreateTrail", body, request.Name, ReadTrail, cancellationToken);
    }

    public Task DeleteTrailAsync(string name, CancellationToken cancellationToken = default)
        => CallAsync("DeleteTrail", AwsJson.Object(w => w.String("Name", name)), name, _ => true, cancellationToken);

    public Task<CloudTrailTrail> GetTrailAsync(string name, CancellationToken cancellationToken = default)
        => CallAsync(
            "GetTrail",
            AwsJson.Object(w => w.String("Name", name)),
            name,
            r => ReadTrail(r.Prop("Trail") ?? throw new FormatException("The answer has no Trail.")),
            cancellationToken);

    public Task<IReadOnlyList<CloudTrailTrail>> DescribeTrailsAsync(IEnumerable<string>? trailNames = null, bool? includeShadowTrails = null, CancellationToken cancellationToken = default)
        => CallAsync<IReadOnlyList<CloudTrailTrail>>(
            "DescribeTrails",
            AwsJson.Object(w =>
            {
                // DescribeTrails is the one operation whose members are lower camel case.
                w.Strings("trailNameList", trailNames?.ToList());
                w.Bool("includeShadowTrails", includeShadowTrails);
            }),
            null,
            r => r.Array("trailList").Select(ReadTrail).ToArray(),
            cancellationToken);

    public Task StartLoggingAsync(string name, CancellationToken cancellationToken = default)
        => CallAsync("StartLogging", AwsJson.Object(w => w.String("Name", name)), name, _ => true, cancellationToken);

    public Task StopLoggingAsync(string name, CancellationToken cancellationToken = default)
        => CallAsync("StopLogging", AwsJson.Object(w => w.String("Name", name)), name, _ => true, cancellationToken);

    public Task<CloudTrailTrailStatus> GetTrailStatusAsync(string name, CancellationToken cancellationToken = default)
        => CallAsync(
            "GetTrailStatus",
            AwsJson.Object(w => w.String("Name", name)),
            name,
            r => new CloudTrailTrailStatus
            {
                IsLogging = r.Bool("IsLogging") ?? false,
                LatestDeliveryError = r.Str("LatestDeliveryError"),
                LatestDeliveryTime = r.Epoch("LatestDeliveryTime"),
                StartLoggingTime = r.Epoch("StartLoggingTime"),
                StopLoggingTime = r.Epoch("StopLoggingTime"),
                LatestDigestDeliveryTime = r.Epoch("LatestDigestDeliveryTime"),
                LatestDigestDeliveryError = r.Str("LatestDigestDeliveryError"),
            },
            cancellationToken);

    public Task<CloudTrailEventSelectors> PutEventSelectorsAsync(
        string trailName,
        IEnumerable<CloudTrailEventSelector>? eventSelectors,
        IEnumerable<CloudTrailAdvancedEventSelector>? advancedEventSelectors = null,
        CancellationToken cancellationToken = default)
    {
        var basic = eventSelectors?.ToList();
        var advanced = advancedEventSelectors?.ToList();
        if ((basic is null) == (advanced is null))
        {
            throw new LeastPrivException(
                "EventSelectorsInvalid",
                LPErrorCategory.InvalidArgument,
                "PutEventSelectors takes either basic event selectors or advanced event selectors, exactly one of the two.",
                trailName);
        }

        var body = AwsJson.Object(w =>
        {
            w.String("TrailName", trailName);
            if (basic is not null)
            {
                w.WriteStartArray("EventSelectors");
                foreach (var s in basic)
                {
                    WriteSelector(w, s);
                }

                w.WriteEndArray();
            }

            if (advanced is not null)
            {
                w.WriteStartArray("AdvancedEventSelectors");
                foreach (var s in advanced)
                {
                    WriteAdvancedSelector(w, s);
                }

                w.WriteEndArray();
            }
        });
        return CallAsync("PutEventSelectors", body, trailName, ReadSelectors, cancellationToken);
    }

    public Task<CloudTrailEventSelectors> GetEventSelectorsAsync(string trailName, CancellationToken cancellationToken = default)
        => CallAsync("GetEventSelectors", AwsJson.Object(w => w.String("TrailName", trailName)), trailName, ReadSelectors, cancellationToken);

    public Task AddTagsAsync(string resourceId, IEnumerable<AwsTag> tags, CancellationToken cancellationToken = default)
        => CallAsync(
            "AddTags",
            AwsJson.Object(w =>
            {
                w.String("ResourceId", resourceId);
                w.Tags("TagsList", tags.ToList());
            }),
            resourceId,
            _ => true,
            cancellationToken);

    public async Task<IReadOnlyList<AwsTag>> ListTagsAsync(string trailArn, CancellationToken cancellationToken = default)
    {
        var tags = new List<AwsTag>();
        string? nextToken = null;
        do
        {
            var token = nextToken;
            var page = await CallAsync(
                "ListTags",
                AwsJson.Object(w =>
                {
                    w.Strings("ResourceIdList", new[] { trailArn });
                    w.String("NextToken", token);
                }),
                trailArn,
                r => (Tags: r.Array("ResourceTagList")
                        .SelectMany(t => t.Array("TagsList"))
                        .Select(t => new AwsTag(t.Str("Key") ?? string.Empty, t.Str("Value") ?? string.Empty))
                        .ToList(),
                    Next: r.Str("NextToken")),
                cancellationToken).ConfigureAwait(false);
            tags.AddRange(page.Tags);
            nextToken = string.IsNullOrEmpty(page.Next) ? null : page.Next;
        }
        while (nextToken is not null);

        return tags;
    }

    public async IAsyncEnumerable<CloudTrailLookupEvent> LookupEventsAsync(CloudTrailLookupRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ValidateLookup(request);
        string? nextToken = null;
        var pacing = new Stopwatch();
        do
        {
            if (pacing.IsRunning && pacing.Elapsed < LookupEventsMinInterval)
            {
                await Task.Delay(LookupEventsMinInterval - pacing.Elapsed, cancellationToken).ConfigureAwait(false);
            }

            pacing.Restart();
            var token = nextToken;
            var body = AwsJson.Object(w =>
            {
                if (request.AttributeKey is not null)
                {
                    w.WriteStartArray("LookupAttributes");
                    w.WriteStartObject();
                    w.WriteString("AttributeKey", request.AttributeKey);
                    w.WriteString("AttributeValue", request.AttributeValue);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }

                if (request.StartTime is { } start)
                {
                    w.WriteNumber("StartTime", AwsTimestamps.ToEpochSeconds(start));
                }

                if (request.EndTime is { } end)
                {
                    w.WriteNumber("EndTime", AwsTimestamps.ToEpochSeconds(end));
                }

                w.Int("MaxResults", request.MaxResults);
                w.String("NextToken", token);
            });
            var page = await CallAsync(
                "LookupEvents",
                body,
                request.AttributeValue,
                r => (Events: r.Array("Events").Select(ReadEvent).ToList(), Next: r.Str("NextToken")),
                cancellationToken).ConfigureAwait(false);
            foreach (var e in page.Events)
            {
                yield return e;
            }

            nextToken = string.IsNullOrEmpty(page.Next) ? null : page.Next;
        }
        while (nextToken is not null);
    }

    private static void ValidateLookup(CloudTrailLookupRequest request)
    {
        string? problem = null;
        if ((request.AttributeKey is null) != (request.AttributeValue is null))
        {
            problem = "AttributeKey and AttributeValue go together.";
        }
        else if (request.AttributeKey is not null && !LookupKeys.Contains(request.AttributeKey))
        {
            problem = $"'{request.AttributeKey}' is not a lookup attribute ({string.Join(", ", LookupKeys)}).";
        }
        else if (request.AttributeValue is { Length: < 1 or > 2000 })
        {
            problem = "AttributeValue must be 1 to 2000 characters.";
        }
        else if (request.MaxResults is < 1 or > 50)
        {
            problem = "MaxResults must be between 1 and 50.";
        }
        else if (request.StartTime is { } s && request.EndTime is { } e && s > e)
        {
            problem = "StartTime is after EndTime.";
        }

        if (problem is not null)
        {
            throw new LeastPrivException("CloudTrailLookupInvalid", LPErrorCategory.InvalidArgument, "LookupEvents: " + problem, request);
        }
    }

    private async Task<T> CallAsync<T>(string operation, byte[] body, object? target, Func<JsonElement, T> parse, CancellationToken cancellationToken)
    {
        var request = new AwsWireRequest("POST") { Body = body, ContentType = JsonContentType };
        request.Headers["X-Amz-Target"] = TargetPrefix + operation;
        var response = await _transport.SendAsync(operation, request, target, cancellationToken).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(response.Body.Length == 0 ? "{}"u8.ToArray() : response.Body);
            return parse(doc.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new LeastPrivException("AwsResponseInvalid", LPErrorCategory.InvalidResult, $"CloudTrail {operation}: the answer is not valid ({ex.Message}).", target, ex);
        }
    }

    private static void WriteSelector(Utf8JsonWriter w, CloudTrailEventSelector s)
    {
        w.WriteStartObject();
        w.String("ReadWriteType", s.ReadWriteType);
        w.Bool("IncludeManagementEvents", s.IncludeManagementEvents);
        if (s.DataResources.Count > 0)
        {
            w.WriteStartArray("DataResources");
            foreach (var d in s.DataResources)
            {
                w.WriteStartObject();
                w.String("Type", d.Type);
                w.Strings("Values", d.Values);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (s.ExcludeManagementEventSources.Count > 0)
        {
            w.Strings("ExcludeManagementEventSources", s.ExcludeManagementEventSources);
        }

        w.WriteEndObject();
    }

    private static void WriteAdvancedSelector(Utf8JsonWriter w, CloudTrailAdvancedEventSelector s)
    {
        w.WriteStartObject();
        w.String("Name", s.Name);
        w.WriteStartArray("FieldSelectors");
        foreach (var f in s.FieldSelectors)
        {
            w.WriteStartObject();
            w.String("Field", f.Field);
            w.Strings("Equals", f.EqualTo);
            w.Strings("StartsWith", f.StartsWith);
            w.Strings("EndsWith", f.EndsWith);
            w.Strings("NotEquals", f.NotEquals);
            w.Strings("NotStartsWith", f.NotStartsWith);
            w.Strings("NotEndsWith", f.NotEndsWith);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static CloudTrailTrail ReadTrail(JsonElement t) => new()
    {
        Name = t.Str("Name") ?? string.Empty,
        S3BucketName = t.Str("S3BucketName"),
        S3KeyPrefix = t.Str("S3KeyPrefix"),
        SnsTopicARN = t.Str("SnsTopicARN"),
        IncludeGlobalServiceEvents = t.Bool("IncludeGlobalServiceEvents"),
        IsMultiRegionTrail = t.Bool("IsMultiRegionTrail"),
        HomeRegion = t.Str("HomeRegion"),
        TrailARN = t.Str("TrailARN"),
        LogFileValidationEnabled = t.Bool("LogFileValidationEnabled"),
        CloudWatchLogsLogGroupArn = t.Str("CloudWatchLogsLogGroupArn"),
        CloudWatchLogsRoleArn = t.Str("CloudWatchLogsRoleArn"),
        KmsKeyId = t.Str("KmsKeyId"),
        HasCustomEventSelectors = t.Bool("HasCustomEventSelectors"),
        HasInsightSelectors = t.Bool("HasInsightSelectors"),
        IsOrganizationTrail = t.Bool("IsOrganizationTrail"),
    };

    private static CloudTrailEventSelectors ReadSelectors(JsonElement r) => new()
    {
        TrailARN = r.Str("TrailARN"),
        EventSelectors = r.Array("EventSelectors").Select(s => new CloudTrailEventSelector
        {
            ReadWriteType = s.Str("ReadWriteType"),
            IncludeManagementEvents = s.Bool("IncludeManagementEvents"),
            DataResources = s.Array("DataResources").Select(d => new CloudTrailDataResource
            {
                Type = d.Str("Type") ?? string.Empty,
                Values = d.StringList("Values").ToList(),
            }).ToList(),
            ExcludeManagementEventSources = s.StringList("ExcludeManagementEventSources").ToList(),
        }).ToArray(),
        AdvancedEventSelectors = r.Array("AdvancedEventSelectors").Select(a => new CloudTrailAdvancedEventSelector
        {
            Name = a.Str("Name"),
            FieldSelectors = a.Array("FieldSelectors").Select(f => new CloudTrailAdvancedFieldSelector
            {
                Field = f.Str("Field") ?? string.Empty,
                EqualTo = NullIfEmpty(f.StringList("Equals")),
                StartsWith = NullIfEmpty(f.StringList("StartsWith")),
                EndsWith = NullIfEmpty(f.StringList("EndsWith")),
                NotEquals = NullIfEmpty(f.StringList("NotEquals")),
                NotStartsWith = NullIfEmpty(f.StringList("NotStartsWith")),
                NotEndsWith = NullIfEmpty(f.StringList("NotEndsWith")),
            }).ToList(),
        }).ToArray(),
    };

    private static IList<string>? NullIfEmpty(IReadOnlyList<string> values) => values.Count == 0 ? null : values.ToList();

    private static CloudTrailLookupEvent ReadEvent(JsonElement e) => new()
    {
        EventId = e.Str("EventId"),
        EventName = e.Str("EventName"),
        ReadOnly = e.Str("ReadOnly"),
        AccessKeyId = e.Str("AccessKeyId"),
        EventTime = e.Epoch("EventTime"),
        EventSource = e.Str("EventSource"),
        Username = e.Str("Username"),
        Resources = e.Array("Resources").Select(r => new CloudTrailEventResource(r.Str("ResourceType"), r.Str("ResourceName"))).ToArray(),
        CloudTrailEvent = e.Str("CloudTrailEvent"),
    };
}
