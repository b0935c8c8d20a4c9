using System.Text;
using System.Text.Json;

namespace LeastPriv.Core.Discovery;

/// <summary>
/// The policy documents of a discovery trail: the bucket policy CloudTrail needs to write into
/// the bucket, and the trust and permissions of the role IAM Access Analyzer reads it with.
/// </summary>
public static class TrailPolicyDocuments
{
    public const string CloudTrailServicePrincipal = "cloudtrail.amazonaws.com";

    public const string AccessAnalyzerServicePrincipal = "access-analyzer.amazonaws.com";

    /// <summary>
    /// The bucket policy CloudTrail requires, scoped with <c>aws:SourceArn</c> to this one trail
    /// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html).
    /// Without both statements CreateTrail fails with InsufficientS3BucketPolicyException. The
    /// <c>s3:x-amz-acl</c> condition still holds with bucket-owner-enforced ownership: CloudTrail
    /// sends that ACL and S3 accepts it.
    /// </summary>
    public static string CloudTrailBucketPolicy(DiscoveryTrailPlan plan) => Write(w =>
    {
        w.WriteString("Version", "2012-10-17");
        w.WriteStartArray("Statement");

        w.WriteStartObject();
        w.WriteString("Sid", "AWSCloudTrailAclCheck20150319");
        w.WriteString("Effect", "Allow");
        ServicePrincipal(w, CloudTrailServicePrincipal);
        w.WriteString("Action", "s3:GetBucketAcl");
        w.WriteString("Resource", plan.BucketArn);
        w.WriteStartObject("Condition");
        w.WriteStartObject("StringEquals");
        w.WriteString("aws:SourceArn", plan.TrailArn);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject();
        w.WriteString("Sid", "AWSCloudTrailWrite20150319");
        w.WriteString("Effect", "Allow");
        ServicePrincipal(w, CloudTrailServicePrincipal);
        w.WriteString("Action", "s3:PutObject");
        w.WriteString("Resource", $"{plan.BucketArn}/{LogKeyPrefix(plan)}*");
        w.WriteStartObject("Condition");
        w.WriteStartObject("StringEquals");
        w.WriteString("s3:x-amz-acl", "bucket-owner-full-control");
        w.WriteString("aws:SourceArn", plan.TrailArn);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteEndArray();
    });

    /// <summary>
    /// The trust policy of the service role: only IAM Access Analyzer, acting for this account
    /// (<c>aws:SourceAccount</c> guards against the confused deputy).
    /// </summary>
    public static string AccessRoleTrustPolicy(DiscoveryTrailPlan plan) => Write(w =>
    {
        w.WriteString("Version", "2012-10-17");
        w.WriteStartArray("Statement");
        w.WriteStartObject();
        w.WriteString("Effect", "Allow");
        ServicePrincipal(w, AccessAnalyzerServicePrincipal);
        w.WriteString("Action", "sts:AssumeRole");
        w.WriteStartObject("Condition");
        w.WriteStartObject("StringEquals");
        w.WriteString("aws:SourceAccount", plan.AccountId);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    });

    /// <summary>
    /// What policy generation needs (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html):
    /// cloudtrail:GetTrail (the documented policy grants it on "*"), the service-last-accessed
    /// reads for the service-level template, and read access to this bucket's log files only.
    /// </summary>
    public static string AccessRolePolicy(DiscoveryTrailPlan plan) => Write(w =>
    {
        w.WriteString("Version", "2012-10-17");
        w.WriteStartArray("Statement");

        w.WriteStartObject();
        w.WriteString("Sid", "ReadTrail");
        w.WriteString("Effect", "Allow");
        w.WriteString("Action", "cloudtrail:GetTrail");
        w.WriteString("Resource", "*");
        w.WriteEndObject();

        w.WriteStartObject();
        w.WriteString("Sid", "ServiceLastAccessed");
        w.WriteString("Effect", "Allow");
        w.WriteStartArray("Action");
        w.WriteStringValue("iam:GenerateServiceLastAccessedDetails");
        w.WriteStringValue("iam:GetServiceLastAccessedDetails");
        w.WriteEndArray();
        w.WriteString("Resource", "*");
        w.WriteEndObject();

        w.WriteStartObject();
        w.WriteString("Sid", "ListTrailBucket");
        w.WriteString("Effect", "Allow");
        w.WriteString("Action", "s3:ListBucket");
        w.WriteString("Resource", plan.BucketArn);
        w.WriteEndObject();

        w.WriteStartObject();
        w.WriteString("Sid", "ReadTrailLogs");
        w.WriteString("Effect", "Allow");
        w.WriteString("Action", "s3:GetObject");
        w.WriteString("Resource", $"{plan.BucketArn}/{LogKeyPrefix(plan)}*");
        w.WriteEndObject();

        w.WriteEndArray();
    });

    /// <summary>Where CloudTrail writes in the bucket: <c>{prefix/}AWSLogs/{account}/</c>.</summary>
    public static string LogKeyPrefix(DiscoveryTrailPlan plan)
        => (plan.S3KeyPrefix is null || plan.S3KeyPrefix.Length == 0 ? string.Empty : plan.S3KeyPrefix.TrimEnd('/') + "/") + $"AWSLogs/{plan.AccountId}/";

    private static void ServicePrincipal(Utf8JsonWriter w, string service)
    {
        w.WriteStartObject("Principal");
        w.WriteString("Service", service);
        w.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
