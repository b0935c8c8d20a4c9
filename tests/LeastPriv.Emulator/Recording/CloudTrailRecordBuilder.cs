using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using LeastPriv.Emulator.Identity;
using LeastPriv.Emulator.Proxy;

namespace LeastPriv.Emulator.Recording;

/// <summary>
/// Turns one relayed call into a CloudTrail record of the documented format
/// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html),
/// written field by field with Utf8JsonWriter.
/// </summary>
public static class CloudTrailRecordBuilder
{
    public const string EventVersion = "1.11";

    // S3 object-level operations (and object listings) are data events, logged only when a trail's
    // event selectors ask for them: https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html
    private static readonly HashSet<string> S3DataEvents = new(StringComparer.Ordinal)
    {
        "GetObject", "HeadObject", "PutObject", "DeleteObject", "DeleteObjects", "CopyObject", "PostObject",
        "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "AbortMultipartUpload", "ListParts",
        "ListObjects", "ListObjectVersions", "ListMultipartUploads", "GetObjectAcl", "PutObjectAcl", "GetObjectTagging",
        "PutObjectTagging", "DeleteObjectTagging", "GetObjectAttributes", "RestoreObject", "SelectObjectContent",
        "GetObjectRetention", "PutObjectRetention", "GetObjectLegalHold", "PutObjectLegalHold",
    };

    // Names whose query-protocol values CloudTrail shows as numbers rather than strings.
    private static readonly HashSet<string> NumericParameters = new(StringComparer.Ordinal)
    {
        "durationSeconds", "maxItems", "maxSessionDuration", "maxResults", "maxRecords",
    };

    // Response fields that are secrets: CloudTrail never logs them.
    private static readonly HashSet<string> SecretFields = new(StringComparer.Ordinal) { "secretAccessKey", "password" };

    private static readonly HashSet<string> DateFields = new(StringComparer.Ordinal) { "createDate", "expiration", "updateDate" };

    public static bool IsDataEvent(string service, string operation) => service == "s3" && S3DataEvents.Contains(operation);

    public static bool IsReadOnly(string operation) =>
        operation.StartsWith("Get", StringComparison.Ordinal) || operation.StartsWith("List", StringComparison.Ordinal)
        || operation.StartsWith("Describe", StringComparison.Ordinal) || operation.StartsWith("Head", StringComparison.Ordinal)
        || operation.StartsWith("Lookup", StringComparison.Ordinal) || operation.StartsWith("Check", StringComparison.Ordinal)
        || operation.StartsWith("Validate", StringComparison.Ordinal) || operation.StartsWith("Simulate", StringComparison.Ordinal)
        || operation == "SelectObjectContent";

    /// <summary>eventSource for a SigV4 signing name.</summary>
    public static string EventSource(string service) => service switch
    {
        "monitoring" => "monitoring.amazonaws.com",
        "execute-api" => "apigateway.amazonaws.com",
        _ => service + ".amazonaws.com",
    };

    /// <summary>Region a call is recorded in: IAM is global and lands in us-east-1.</summary>
    public static string RecordRegion(ApiCall call) => call.Service == "iam" ? "us-east-1" : call.Region ?? "us-east-1";

    public static RecordedEvent Build(ApiCall call, ForwardedResponse response, CallerIdentity? identity, string account, DateTimeOffset eventTime, (string Code, string Message)? error)
    {
        var service = call.Service ?? "unknown";
        var operation = call.Operation ?? call.Method;
        var region = RecordRegion(call);
        var dataEvent = IsDataEvent(service, operation);
        var readOnly = IsReadOnly(operation);
        var eventId = Guid.NewGuid().ToString();
        var requestId = response.Header("x-amzn-RequestId") ?? response.Header("x-amz-request-id") ?? RequestIdFromBody(response) ?? Guid.NewGuid().ToString();
        var lookupResources = new List<EventResource>();

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("eventVersion", EventVersion);
            WriteIdentity(w, identity, call.AccessKeyId, account);
            w.WriteString("eventTime", eventTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteString("eventSource", EventSource(service));
            w.WriteString("eventName", operation);
            w.WriteString("awsRegion", region);
            w.WriteString("sourceIPAddress", call.SourceIp);
            if (call.UserAgent is not null)
            {
                // S3 wraps the user agent in brackets.
                w.WriteString("userAgent", service == "s3" ? $"[{call.UserAgent}]" : call.UserAgent);
            }

            if (error is { } e)
            {
                w.WriteString("errorCode", e.Code);
                w.WriteString("errorMessage", e.Message);
            }

            w.WritePropertyName("requestParameters");
            WriteRequestParameters(w, call, lookupResources);
            w.WritePropertyName("responseElements");
            if (error is null && !readOnly)
            {
                WriteResponseElements(w, call, response);
            }
            else
            {
                w.WriteNullValue();
            }

            if (service == "s3")
            {
                w.WriteStartObject("additionalEventData");
                w.WriteString("SignatureVersion", "SigV4");
                w.WriteString("AuthenticationMethod", call.HasQuery("X-Amz-Credential") ? "QueryString" : "AuthHeader");
                w.WriteNumber("bytesTransferredIn", call.Body.Length);
                w.WriteNumber("bytesTransferredOut", response.Body.Length);
                if (response.Header("x-amz-id-2") is { } id2)
                {
                    w.WriteString("x-amz-id-2", id2);
                }

                w.WriteEndObject();
            }

            w.WriteString("requestID", requestId);
            w.WriteString("eventID", eventId);
            w.WriteBoolean("readOnly", readOnly);
            if (service == "s3" && call.Bucket is not null)
            {
                WriteS3Resources(w, call, operation, dataEvent, account);
            }

            w.WriteString("eventType", "AwsApiCall");
            w.WriteBoolean("managementEvent", !dataEvent);
            w.WriteString("recipientAccountId", account);
            w.WriteString("eventCategory", dataEvent ? "Data" : "Management");
            w.WriteEndObject();
        }

        return new RecordedEvent
        {
            EventId = eventId,
            EventTime = eventTime,
            EventSource = EventSource(service),
            EventName = operation,
            AwsRegion = region,
            ReadOnly = readOnly,
            ManagementEvent = !dataEvent,
            AccessKeyId = call.AccessKeyId,
            Username = identity?.LookupUserName,
            ErrorCode = error?.Code,
            Resources = lookupResources,
            Json = Encoding.UTF8.GetString(buffer.ToArray()),
        };
    }

    private static void WriteIdentity(Utf8JsonWriter w, CallerIdentity? identity, string? accessKeyId, string account)
    {
        w.WriteStartObject("userIdentity");
        if (identity is null)
        {
            w.WriteString("type", "Unknown");
            w.WriteString("accountId", account);
            w.WriteString("accessKeyId", accessKeyId ?? string.Empty);
            w.WriteEndObject();
            return;
        }

        w.WriteString("type", identity.Type);
        w.WriteString("principalId", identity.PrincipalId);
        w.WriteString("arn", identity.Arn);
        w.WriteString("accountId", identity.AccountId);
        w.WriteString("accessKeyId", identity.AccessKeyId);
        if (identity.UserName is not null)
        {
            w.WriteString("userName", identity.UserName);
        }

        if (identity.SessionIssuer is { } issuer)
        {
            w.WriteStartObject("sessionContext");
            w.WriteStartObject("sessionIssuer");
            w.WriteString("type", issuer.Type);
            w.WriteString("principalId", issuer.PrincipalId);
            w.WriteString("arn", issuer.Arn);
            w.WriteString("accountId", issuer.AccountId);
            w.WriteString("userName", issuer.UserName);
            w.WriteEndObject();
            w.WriteStartObject("webIdFederationData");
            w.WriteEndObject();
            w.WriteStartObject("attributes");
            w.WriteString("creationDate", (identity.SessionCreated ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            w.WriteString("mfaAuthenticated", "false");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteS3Resources(Utf8JsonWriter w, ApiCall call, string operation, bool dataEvent, string account)
    {
        w.WriteStartArray("resources");
        if (dataEvent && call.Key is not null)
        {
            w.WriteStartObject();
            w.WriteString("type", "AWS::S3::Object");
            w.WriteString("ARN", $"arn:aws:s3:::{call.Bucket}/{call.Key}");
            w.WriteEndObject();
        }
        else if (dataEvent && operation.StartsWith("List", StringComparison.Ordinal))
        {
            // Listings name the objects they may return by prefix.
            w.WriteStartObject();
            w.WriteString("type", "AWS::S3::Object");
            w.WriteString("ARNPrefix", $"arn:aws:s3:::{call.Bucket}/{call.QueryValue("prefix") ?? string.Empty}");
            w.WriteEndObject();
        }

        w.WriteStartObject();
        w.WriteString("accountId", account);
        w.WriteString("type", "AWS::S3::Bucket");
        w.WriteString("ARN", $"arn:aws:s3:::{call.Bucket}");
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static void WriteRequestParameters(Utf8JsonWriter w, ApiCall call, List<EventResource> lookup)
    {
        switch (call.Protocol)
        {
            case WireProtocol.Query:
                if (call.FormParameters.Count == 0)
                {
                    w.WriteNullValue();
                    break;
                }

                WriteQueryTree(w, call.FormParameters);
                foreach (var (name, value) in call.FormParameters)
                {
                    AddLookupResource(lookup, name, value);
                }

                break;
            case WireProtocol.Json:
            case WireProtocol.RestJson:
                if (!TryParseJson(call.Body, out var doc) && call.Query.Count == 0 && !PathParameters(call).Any())
                {
                    w.WriteNullValue();
                    break;
                }

                using (doc)
                {
                    w.WriteStartObject();
                    foreach (var (name, value) in PathParameters(call).Concat(call.Query.Where(q => !q.Key.StartsWith("X-Amz-", StringComparison.Ordinal))))
                    {
                        w.WriteString(name, value);
                    }

                    if (doc?.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var p in doc.RootElement.EnumerateObject())
                        {
                            w.WritePropertyName(LowerCamel(p.Name));
                            WriteLowerCamel(w, p.Value);
                            if (p.Value.ValueKind == JsonValueKind.String)
                            {
                                AddLookupResource(lookup, p.Name, p.Value.GetString()!);
                            }
                        }
                    }

                    w.WriteEndObject();
                }

                break;
            case WireProtocol.RestXml:
                w.WriteStartObject();
                foreach (var (name, value) in call.Query.Where(q => !q.Key.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase)))
                {
                    w.WriteString(name, value);
                }

                if (call.Bucket is not null)
                {
                    w.WriteString("bucketName", call.Bucket);
                    lookup.Add(new EventResource("AWS::S3::Bucket", call.Bucket));
                }

                w.WriteString("Host", call.Host);
                if (call.Key is not null)
                {
                    w.WriteString("key", call.Key);
                    lookup.Add(new EventResource("AWS::S3::Object", call.Key));
                }

                if (call.Operation == "PutBucketPolicy" && TryParseJson(call.Body, out var policy))
                {
                    using (policy)
                    {
                        w.WritePropertyName("bucketPolicy");
                        policy!.RootElement.WriteTo(w);
                    }
                }

                w.WriteEndObject();
                break;
            default:
                w.WriteNullValue();
                break;
        }
    }

    // Access Analyzer REST paths carry the job id: /policy/generation/{jobId}.
    private static IEnumerable<KeyValuePair<string, string>> PathParameters(ApiCall call)
    {
        const string prefix = "/policy/generation/";
        if (call.Service == "access-analyzer" && call.Path.StartsWith(prefix, StringComparison.Ordinal) && call.Path.Length > prefix.Length)
        {
            yield return new("jobId", Uri.UnescapeDataString(call.Path[prefix.Length..]));
        }
    }

    private static void AddLookupResource(List<EventResource> lookup, string name, string value)
    {
        var type = name switch
        {
            "UserName" or "userName" => "AWS::IAM::User",
            "RoleName" or "roleName" => "AWS::IAM::Role",
            "PolicyArn" or "policyArn" => "AWS::IAM::Policy",
            "AccessKeyId" or "accessKeyId" => "AWS::IAM::AccessKey",
            "RoleArn" or "roleArn" => "AWS::IAM::Role",
            "Name" or "name" or "TrailName" or "trailName" => "AWS::CloudTrail::Trail",
            "S3BucketName" or "s3BucketName" => "AWS::S3::Bucket",
            _ => null,
        };
        if (type is not null && value.Length > 0)
        {
            lookup.Add(new EventResource(type, value));
        }
    }

    private static bool TryParseJson(byte[] body, out JsonDocument? doc)
    {
        doc = null;
        if (body.Length == 0)
        {
            return false;
        }

        try
        {
            doc = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>CloudTrail's spelling of API member names: the first letter lower-cased (RoleArn → roleArn, TrailARN → trailARN).</summary>
    public static string LowerCamel(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static void WriteLowerCamel(Utf8JsonWriter w, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in value.EnumerateObject())
                {
                    w.WritePropertyName(LowerCamel(p.Name));
                    WriteLowerCamel(w, p.Value);
                }

                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    WriteLowerCamel(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                value.WriteTo(w);
                break;
        }
    }

    private sealed class QueryNode
    {
        public string? Value { get; set; }

        public SortedDictionary<string, QueryNode> Children { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<int, QueryNode>? Items { get; set; }
    }

    /// <summary>
    /// Query-protocol parameters as CloudTrail shows them: <c>Tags.member.1.Key=k</c> becomes
    /// <c>"tags":[{"key":"k"}]</c>, <c>Parent.Child=v</c> becomes <c>"parent":{"child":"v"}</c>.
    /// </summary>
    private static void WriteQueryTree(Utf8JsonWriter w, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var root = new QueryNode();
        foreach (var (name, value) in parameters)
        {
            var segments = name.Split('.');
            var node = root;
            for (var i = 0; i < segments.Length; i++)
            {
                var segment = segments[i];
                if (segment is "member" or "entry" && i + 1 < segments.Length && int.TryParse(segments[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    node.Items ??= [];
                    if (!node.Items.TryGetValue(index, out var item))
                    {
                        node.Items[index] = item = new QueryNode();
                    }

                    node = item;
                    i++;
                    continue;
                }

                var key = LowerCamel(segment);
                if (!node.Children.TryGetValue(key, out var child))
                {
                    node.Children[key] = child = new QueryNode();
                }

                node = child;
            }

            node.Value = value;
        }

        WriteQueryNode(w, root, null);
    }

    private static void WriteQueryNode(Utf8JsonWriter w, QueryNode node, string? name)
    {
        if (node.Items is not null)
        {
            w.WriteStartArray();
            foreach (var item in node.Items.Values)
            {
                WriteQueryNode(w, item, null);
            }

            w.WriteEndArray();
        }
        else if (node.Children.Count > 0)
        {
            w.WriteStartObject();
            foreach (var (key, child) in node.Children)
            {
                w.WritePropertyName(key);
                WriteQueryNode(w, child, key);
            }

            w.WriteEndObject();
        }
        else if (node.Value is "true" or "false")
        {
            w.WriteBooleanValue(node.Value == "true");
        }
        else if (name is not null && NumericParameters.Contains(name) && long.TryParse(node.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
        {
            w.WriteNumberValue(number);
        }
        else
        {
            w.WriteStringValue(node.Value ?? string.Empty);
        }
    }

    private static void WriteResponseElements(Utf8JsonWriter w, ApiCall call, ForwardedResponse response)
    {
        // CloudTrail keeps responseElements small; large answers are left out.
        if (response.Body.Length == 0 || response.Body.Length > 16 * 1024)
        {
            w.WriteNullValue();
            return;
        }

        switch (call.Protocol)
        {
            case WireProtocol.Query:
                XElement? result = null;
                try
                {
                    result = XElement.Parse(Encoding.UTF8.GetString(response.Body)).Elements().FirstOrDefault(e => e.Name.LocalName.EndsWith("Result", StringComparison.Ordinal));
                }
                catch (System.Xml.XmlException)
                {
                }

                if (result is null || !result.HasElements)
                {
                    w.WriteNullValue();
                    return;
                }

                WriteXmlObject(w, result);
                return;
            case WireProtocol.Json or WireProtocol.RestJson when TryParseJson(response.Body, out var doc):
                using (doc)
                {
                    WriteLowerCamel(w, doc!.RootElement);
                }

                return;
            default:
                w.WriteNullValue();
                return;
        }
    }

    private static void WriteXmlObject(Utf8JsonWriter w, XElement element)
    {
        w.WriteStartObject();
        foreach (var child in element.Elements())
        {
            var name = LowerCamel(child.Name.LocalName);
            if (SecretFields.Contains(name))
            {
                continue;
            }

            w.WritePropertyName(name);
            WriteXmlValue(w, child, name);
        }

        w.WriteEndObject();
    }

    private static void WriteXmlValue(Utf8JsonWriter w, XElement element, string name)
    {
        if (element.HasElements && element.Elements().All(e => e.Name.LocalName == "member"))
        {
            w.WriteStartArray();
            foreach (var member in element.Elements())
            {
                WriteXmlValue(w, member, name);
            }

            w.WriteEndArray();
        }
        else if (element.HasElements)
        {
            WriteXmlObject(w, element);
        }
        else if (DateFields.Contains(name) && DateTimeOffset.TryParse(element.Value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            // IAM and STS dates appear in responseElements in this human-readable form.
            w.WriteStringValue(date.UtcDateTime.ToString("MMM d, yyyy, h:mm:ss tt", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteStringValue(element.Value);
        }
    }

    private static string? RequestIdFromBody(ForwardedResponse response)
    {
        if (response.Body.Length == 0 || response.Body[0] != (byte)'<')
        {
            return null;
        }

        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(response.Body)).Descendants().FirstOrDefault(e => e.Name.LocalName == "RequestId")?.Value;
        }
        catch (System.Xml.XmlException)
        {
            return null;
        }
    }
}
