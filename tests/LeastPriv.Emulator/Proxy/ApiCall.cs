using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace LeastPriv.Emulator.Proxy;

/// <summary>The wire protocol of an AWS service (botocore model "protocol").</summary>
public enum WireProtocol
{
    Unknown,
    Query,
    Json,
    RestJson,
    RestXml,
}

/// <summary>
/// What a client request is, read from the wire: the SigV4 credential scope (service, region,
/// access key id) from the Authorization header or a presigned URL's query, and the operation from
/// <c>Action=</c> (query protocol), <c>X-Amz-Target</c> (JSON protocol) or the S3 REST method,
/// path and sub-resource.
/// </summary>
public sealed partial class ApiCall
{
    public string? Service { get; private init; }

    public string? Region { get; private init; }

    public string? AccessKeyId { get; private init; }

    public bool HasSessionToken { get; private init; }

    public string? Operation { get; private init; }

    public WireProtocol Protocol { get; private init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Query { get; init; }

    /// <summary>Form parameters of a query-protocol call (body or query string), without Action and Version.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> FormParameters { get; private init; } = [];

    public required byte[] Body { get; init; }

    public string? Bucket { get; private init; }

    public string? Key { get; private init; }

    public required string Host { get; init; }

    public string? UserAgent { get; init; }

    public required string SourceIp { get; init; }

    public IHeaderDictionary? Headers { get; init; }

    /// <summary>Signed by a client (rather than anonymous or moto's own dashboard).</summary>
    public bool IsSigned => Service is not null && AccessKeyId is not null;

    public string? QueryValue(string name) => Query.Where(q => q.Key == name).Select(q => q.Value).FirstOrDefault();

    public bool HasQuery(string name) => Query.Any(q => q.Key == name);

    public static ApiCall Describe(HttpContext context, byte[] body)
    {
        var request = context.Request;
        var target = MotoForwarder.RawTarget(context);
        var q = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = q < 0 ? target : target[..q];
        var query = q < 0 ? [] : ParseForm(target[(q + 1)..]);
        var host = request.Headers.Host.ToString();

        string? service = null, region = null, akid = null;
        var auth = request.Headers.Authorization.ToString();
        var credential = CredentialInHeader().Match(auth);
        var scope = credential.Success ? credential.Groups[1].Value : query.Where(p => p.Key == "X-Amz-Credential").Select(p => p.Value).FirstOrDefault();
        if (scope is not null)
        {
            // {AKID}/{yyyyMMdd}/{region}/{service}/aws4_request
            var parts = scope.Split('/');
            if (parts.Length >= 5)
            {
                akid = parts[0];
                region = parts[2];
                service = parts[3];
            }
        }

        var protocol = WireProtocol.Unknown;
        string? operation = null;
        IReadOnlyList<KeyValuePair<string, string>> form = [];
        string? bucket = null, key = null;
        var contentType = request.ContentType ?? string.Empty;
        var amzTarget = request.Headers["X-Amz-Target"].ToString();

        if (service == "s3")
        {
            protocol = WireProtocol.RestXml;
            (bucket, key) = S3Location(host, rawPath);
            operation = S3Operation(request.Method, bucket, key, query, request.Headers);
        }
        else if (amzTarget.Length > 0)
        {
            protocol = WireProtocol.Json;
            operation = amzTarget[(amzTarget.LastIndexOf('.') + 1)..];
        }
        else if (contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) || query.Any(p => p.Key == "Action"))
        {
            protocol = WireProtocol.Query;
            var all = query.Concat(contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) ? ParseForm(Encoding.UTF8.GetString(body)) : []).ToList();
            operation = all.Where(p => p.Key == "Action").Select(p => p.Value).FirstOrDefault();
            form = all.Where(p => p.Key is not "Action" and not "Version" && !p.Key.StartsWith("X-Amz-", StringComparison.Ordinal)).ToList();
        }
        else if (service is not null)
        {
            protocol = WireProtocol.RestJson;
            operation = service == "access-analyzer" ? AccessAnalyzerOperation(request.Method, rawPath) : null;
        }

        return new ApiCall
        {
            Service = service,
            Region = region,
            AccessKeyId = akid,
            HasSessionToken = request.Headers.ContainsKey("X-Amz-Security-Token") || query.Any(p => p.Key == "X-Amz-Security-Token"),
            Operation = operation,
            Protocol = protocol,
            Method = request.Method,
            Path = rawPath,
            Query = query,
            FormParameters = form,
            Body = body,
            Bucket = bucket,
            Key = key,
            Host = host,
            UserAgent = request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null,
            SourceIp = context.Connection.RemoteIpAddress?.MapToIPv4().ToString() ?? "127.0.0.1",
            Headers = request.Headers,
        };
    }

    /// <summary>application/x-www-form-urlencoded (and query strings): '+' is a space, %XX decoded.</summary>
    public static List<KeyValuePair<string, string>> ParseForm(string text)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            result.Add(new(Decode(name), Decode(value)));
        }

        return result;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    /// <summary>Bucket and key from a path-style (/bucket/key) or virtual-hosted (bucket.s3.…) request.</summary>
    private static (string? Bucket, string? Key) S3Location(string host, string rawPath)
    {
        var hostName = host.Split(':')[0];
        var s3 = hostName.IndexOf(".s3.", StringComparison.Ordinal);
        if (s3 < 0)
        {
            s3 = hostName.IndexOf(".s3-", StringComparison.Ordinal);
        }

        var path = rawPath.TrimStart('/');
        if (s3 > 0)
        {
            return (hostName[..s3], path.Length == 0 ? null : Uri.UnescapeDataString(path));
        }

        if (path.Length == 0)
        {
            return (null, null);
        }

        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (Uri.UnescapeDataString(path), null) : (Uri.UnescapeDataString(path[..slash]), slash == path.Length - 1 ? null : Uri.UnescapeDataString(path[(slash + 1)..]));
    }

    // Sub-resources that name a bucket configuration operation: ?policy -> {Get,Put,Delete}BucketPolicy.
    private static readonly (string Query, string Noun)[] BucketSubresources =
    [
        ("policy", "BucketPolicy"), ("acl", "BucketAcl"), ("cors", "BucketCors"), ("encryption", "BucketEncryption"),
        ("lifecycle", "BucketLifecycle"), ("logging", "BucketLogging"), ("notification", "BucketNotification"),
        ("ownershipControls", "BucketOwnershipControls"), ("publicAccessBlock", "BucketPublicAccessBlock"),
        ("replication", "BucketReplication"), ("tagging", "BucketTagging"), ("versioning", "BucketVersioning"),
        ("website", "BucketWebsite"), ("object-lock", "ObjectLockConfiguration"), ("requestPayment", "BucketRequestPayment"),
        ("accelerate", "BucketAccelerateConfiguration"), ("policyStatus", "BucketPolicyStatus"),
        ("intelligent-tiering", "BucketIntelligentTieringConfiguration"), ("analytics", "BucketAnalyticsConfiguration"),
        ("metrics", "BucketMetricsConfiguration"), ("inventory", "BucketInventoryConfiguration"),
    ];

    private static readonly (string Query, string Noun)[] ObjectSubresources =
    [
        ("acl", "ObjectAcl"), ("tagging", "ObjectTagging"), ("retention", "ObjectRetention"), ("legal-hold", "ObjectLegalHold"),
    ];

    /// <summary>The S3 API name for a REST request, as CloudTrail's eventName spells it.</summary>
    public static string S3Operation(string method, string? bucket, string? key, IReadOnlyList<KeyValuePair<string, string>> query, IHeaderDictionary headers)
    {
        bool Has(string name) => query.Any(p => p.Key == name);
        var verb = method switch { "GET" => "Get", "PUT" => "Put", "DELETE" => "Delete", _ => null };
        if (bucket is null)
        {
            return "ListBuckets";
        }

        if (key is null)
        {
            if (method == "POST" && Has("delete"))
            {
                return "DeleteObjects";
            }

            if (verb is not null)
            {
                foreach (var (sub, noun) in BucketSubresources)
                {
                    if (Has(sub))
                    {
                        return (verb, noun) switch
                        {
                            ("Get", "BucketLifecycle") => "GetBucketLifecycle",
                            ("Put", "BucketLifecycle") => "PutBucketLifecycle",
                            ("Get", "BucketNotification") => "GetBucketNotification",
                            _ => verb + noun,
                        };
                    }
                }
            }

            return method switch
            {
                "GET" when Has("location") => "GetBucketLocation",
                "GET" when Has("uploads") => "ListMultipartUploads",
                "GET" when Has("versions") => "ListObjectVersions",

                // CloudTrail logs ListObjectsV2 (?list-type=2) as ListObjects.
                "GET" => "ListObjects",
                "PUT" => "CreateBucket",
                "DELETE" => "DeleteBucket",
                "HEAD" => "HeadBucket",
                "POST" => "PostObject",
                _ => method,
            };
        }

        if (verb is not null)
        {
            foreach (var (sub, noun) in ObjectSubresources)
            {
                if (Has(sub))
                {
                    return verb + noun;
                }
            }
        }

        var copy = headers.ContainsKey("x-amz-copy-source");
        return method switch
        {
            "GET" when Has("uploadId") => "ListParts",
            "GET" when Has("attributes") => "GetObjectAttributes",
            "GET" => "GetObject",
            "HEAD" => "HeadObject",
            "PUT" when Has("partNumber") && Has("uploadId") => copy ? "UploadPartCopy" : "UploadPart",
            "PUT" => copy ? "CopyObject" : "PutObject",
            "POST" when Has("uploads") => "CreateMultipartUpload",
            "POST" when Has("uploadId") => "CompleteMultipartUpload",
            "POST" when Has("restore") => "RestoreObject",
            "POST" when Has("select") => "SelectObjectContent",
            "DELETE" when Has("uploadId") => "AbortMultipartUpload",
            "DELETE" => "DeleteObject",
            _ => method,
        };
    }

    /// <summary>The IAM Access Analyzer operations the stand-in serves, by REST method and path (service model 2019-11-01).</summary>
    public static string? AccessAnalyzerOperation(string method, string rawPath)
    {
        var path = rawPath.TrimEnd('/');
        return (method, path) switch
        {
            ("PUT", "/policy/generation") => "StartPolicyGeneration",
            ("GET", "/policy/generation") => "ListPolicyGenerations",
            ("GET", _) when path.StartsWith("/policy/generation/", StringComparison.Ordinal) => "GetGeneratedPolicy",
            ("PUT", _) when path.StartsWith("/policy/generation/", StringComparison.Ordinal) => "CancelPolicyGeneration",
            ("POST", "/policy/validation") => "ValidatePolicy",
            ("POST", "/policy/check-no-new-access") => "CheckNoNewAccess",
            ("POST", "/policy/check-access-not-granted") => "CheckAccessNotGranted",
            ("POST", "/policy/check-no-public-access") => "CheckNoPublicAccess",
            _ => null,
        };
    }

    [GeneratedRegex(@"Credential=([^,\s]+)")]
    private static partial Regex CredentialInHeader();
}
