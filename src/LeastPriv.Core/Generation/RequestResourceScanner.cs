using System.Text;
using System.Text.Json;
using LeastPriv.Core.CloudTrail;

namespace LeastPriv.Core.Generation;

/// <summary>
/// Finds the resources a call touched without building a JSON DOM: a forward-only pass of
/// <see cref="Utf8JsonReader"/> over requestParameters / responseElements collects every ARN
/// value, plus the top-level name parameters of the common services that CloudTrail records
/// as plain names (S3 bucketName/key, IAM userName/roleName, Lambda functionName, DynamoDB
/// tableName, SQS queueUrl, SNS name, KMS keyId, CloudWatch Logs logGroupName,
/// CloudFormation stackName). Candidates are later kept only on actions whose catalog
/// resource types match them.
/// </summary>
internal static class RequestResourceScanner
{
    public static void Collect(CloudTrailRecord record, string servicePrefix, ICollection<string> arns)
    {
        foreach (var resource in record.Resources)
        {
            if (resource.Arn is not null && ArnText.IsArn(resource.Arn))
            {
                arns.Add(resource.Arn);
            }
            else if (resource.ArnPrefix is not null && ArnText.IsArn(resource.ArnPrefix))
            {
                // S3 data events on a key prefix name the prefix, not each object.
                arns.Add(resource.ArnPrefix + "*");
            }
        }

        var context = new NameContext(record, servicePrefix);
        if (record.RequestParametersJson is not null)
        {
            Scan(record.RequestParametersJson, context, arns, topLevelNames: true);
        }

        if (record.ResponseElementsJson is not null)
        {
            Scan(record.ResponseElementsJson, context, arns, topLevelNames: false);
        }

        context.Finish(arns);
    }

    private static void Scan(string json, NameContext context, ICollection<string> arns, bool topLevelNames)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        break;
                    case JsonTokenType.String:
                        var value = reader.GetString();
                        if (!string.IsNullOrEmpty(value))
                        {
                            if (ArnText.IsArn(value!))
                            {
                                arns.Add(value!);
                            }
                            else if (topLevelNames && reader.CurrentDepth == 1 && property is not null)
                            {
                                context.Name(property, value!);
                            }
                        }

                        property = null;
                        break;
                    default:
                        if (reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.StartArray)
                        {
                            property = null;
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // A truncated or oversized element (CloudTrail cuts requestParameters over 100 KB):
            // what was read so far still counts, the rest yields no resource and so no scoping.
        }
    }

    /// <summary>Turns the name parameters of one call into ARNs once all are known (S3 needs bucket and key together).</summary>
    private sealed class NameContext
    {
        private readonly CloudTrailRecord _record;
        private readonly string _service;
        private readonly string _partition;
        private readonly string _region;
        private readonly string _account;
        private string? _bucket;
        private string? _key;

        public NameContext(CloudTrailRecord record, string service)
        {
            _record = record;
            _service = service;
            _region = record.AwsRegion ?? string.Empty;
            _partition = ArnText.PartitionOf(record.AwsRegion);
            _account = record.RecipientAccountId ?? record.Identity.AccountId ?? string.Empty;
        }

        public void Name(string parameter, string value)
        {
            switch (_service)
            {
                case "s3":
                    if (parameter == "bucketName")
                    {
                        _bucket = value;
                    }
                    else if (parameter == "key")
                    {
                        _key = value;
                    }
                    else if (parameter == "x-amz-copy-source")
                    {
                        _copySource = value;
                    }

                    break;
                case "iam":
                    Add(parameter switch
                    {
                        // Requests name users and roles without their path; "/" is assumed.
                        "userName" => Iam("user/" + value),
                        "roleName" => Iam("role/" + value),
                        "groupName" => Iam("group/" + value),
                        "instanceProfileName" => Iam("instance-profile/" + value),
                        _ => null,
                    });
                    break;
                case "lambda":
                    if (parameter == "functionName")
                    {
                        // A name, a partial ARN "123456789012:function:name" or a full ARN (handled as ARN).
                        Add(value.Contains(":function:")
                            ? $"arn:{_partition}:lambda:{_region}:{value}"
                            : Regional("lambda", "function:" + value));
                    }

                    break;
                case "dynamodb":
                    // A Query or Scan on an index is authorised on the index's own ARN.
                    if (parameter == "tableName")
                    {
                        _table = value;
                    }
                    else if (parameter == "indexName")
                    {
                        _index = value;
                    }

                    break;
                case "sqs":
                    if (parameter == "queueUrl")
                    {
                        Add(QueueArn(value));
                    }
                    else if (parameter == "queueName")
                    {
                        Add(Regional("sqs", value));
                    }

                    break;
                case "sns":
                    if (parameter == "name" && _record.EventName == "CreateTopic")
                    {
                        Add(Regional("sns", value));
                    }

                    break;
                case "kms":
                    // Key ids (GUIDs) only: an alias does not name the key's ARN.
                    if (parameter == "keyId" && System.Guid.TryParse(value, out _))
                    {
                        Add(Regional("kms", "key/" + value));
                    }

                    break;
                case "logs":
                    // Stream-level calls (CreateLogStream, PutLogEvents) are authorised on the stream's ARN.
                    if (parameter == "logGroupName")
                    {
                        _logGroup = value;
                    }
                    else if (parameter == "logStreamName")
                    {
                        _logStream = value;
                    }

                    break;
                case "cloudformation":
                    if (parameter == "stackName")
                    {
                        Add(Regional("cloudformation", "stack/" + value + "/*"));
                    }

                    break;
            }
        }

        private readonly List<string> _pending = new();
        private string? _copySource;
        private string? _table;
        private string? _index;
        private string? _logGroup;
        private string? _logStream;

        public void Finish(ICollection<string> arns)
        {
            if (_table is not null)
            {
                Add(Regional("dynamodb", "table/" + _table));
                if (_index is not null)
                {
                    Add(Regional("dynamodb", "table/" + _table + "/index/" + _index));
                }
            }

            if (_logGroup is not null)
            {
                Add(Regional("logs", "log-group:" + _logGroup));
                if (_logStream is not null)
                {
                    Add(Regional("logs", "log-group:" + _logGroup + ":log-stream:" + _logStream));
                }
            }

            if (_bucket is not null)
            {
                _pending.Add($"arn:{_partition}:s3:::{_bucket}");
                if (_key is not null)
                {
                    _pending.Add($"arn:{_partition}:s3:::{_bucket}/{_key}");
                }
            }

            if (_copySource is not null)
            {
                // "/bucket/key" or "bucket/key?versionId=...", URL-encoded.
                var source = Uri.UnescapeDataString(_copySource.TrimStart('/'));
                var query = source.IndexOf('?');
                if (query >= 0)
                {
                    source = source.Substring(0, query);
                }

                if (source.IndexOf('/') > 0)
                {
                    _pending.Add($"arn:{_partition}:s3:::{source}");
                }
            }

            foreach (var arn in _pending)
            {
                arns.Add(arn);
            }
        }

        private void Add(string? arn)
        {
            if (arn is not null)
            {
                _pending.Add(arn);
            }
        }

        private string? Iam(string resource) => _account.Length == 0 ? null : $"arn:{_partition}:iam::{_account}:{resource}";

        private string? Regional(string service, string resource) =>
            _account.Length == 0 || _region.Length == 0 ? null : $"arn:{_partition}:{service}:{_region}:{_account}:{resource}";

        private string? QueueArn(string url)
        {
            // https://sqs.<region>.amazonaws.com/<account>/<name> (also the legacy <region>.queue.amazonaws.com host).
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                return null;
            }

            var segments = uri.AbsolutePath.Trim('/').Split('/');
            if (segments.Length != 2)
            {
                return null;
            }

            var host = uri.Host.Split('.');
            var region = host.Length > 1 && host[0] == "sqs" ? host[1] : host[0];
            return $"arn:{ArnText.PartitionOf(region)}:sqs:{region}:{segments[0]}:{segments[1]}";
        }
    }
}
