using System.IO.Compression;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken.Model;

namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// Runs one policy generation the way the service does: assume the access role, find the
/// trail, read its delivered log files with the role's credentials, keep the principal's
/// management calls in the window.
/// </summary>
public sealed class PolicyGenerationRunner(AccessAnalyzerEmulatorOptions options, IAnalyzerStandIn standIn, MotoServiceCalls moto)
{
    private const string AnalyzerServicePrincipal = "access-analyzer.amazonaws.com";

    /// <summary>Waits the configured duration, then generates; the job ends SUCCEEDED, FAILED or stays CANCELED.</summary>
    public async Task RunAsync(PolicyGenerationJob job)
    {
        var token = job.Cancellation.Token;
        try
        {
            await Task.Delay(options.JobDuration, options.Clock, token).ConfigureAwait(false);
            var findings = await GenerateAsync(job, token).ConfigureAwait(false);
            job.TrySucceed(findings, options.Clock.GetUtcNow());
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // CancelPolicyGeneration already set CANCELED.
        }
        catch (JobFailure failure)
        {
            job.TryFail(failure.Code, failure.Message, options.Clock.GetUtcNow());
        }
        catch (Exception ex) when (ex is AmazonServiceException or MotoCallException or HttpRequestException or IOException or InvalidDataException or JsonException)
        {
            job.TryFail(JobErrorCode.Service, "The policy generation failed: " + ex.Message, options.Clock.GetUtcNow());
        }
    }

    private async Task<GenerationFindings> GenerateAsync(PolicyGenerationJob job, CancellationToken token)
    {
        var roleCredentials = await AssumeAccessRoleAsync(job, token).ConfigureAwait(false);
        var principalAccount = job.PrincipalArn.Split(':')[4];

        // First list everything the request covers, so the quotas are checked before any file is read.
        var files = new List<(string Region, string Bucket, string Key)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var trail in job.Trails)
        {
            var (bucket, prefix) = await GetTrailAsync(roleCredentials, trail.CloudTrailArn, token).ConfigureAwait(false);
            var trailRegion = trail.CloudTrailArn.Split(':')[3];
            using var s3 = standIn.CreateS3Client(roleCredentials, trailRegion);
            var basePrefix = (string.IsNullOrEmpty(prefix) ? string.Empty : prefix.TrimEnd('/') + "/")
                + "AWSLogs/" + principalAccount + "/CloudTrail/";
            var prefixes = trail.AllRegions || trail.Regions.Count == 0
                ? [basePrefix]
                : trail.Regions.Select(r => basePrefix + r + "/").ToArray();
            foreach (var listPrefix in prefixes)
            {
                await foreach (var item in ListLogFilesAsync(s3, bucket, listPrefix, job, token).ConfigureAwait(false))
                {
                    if (!seen.Add(bucket + "/" + item.Key))
                    {
                        continue;
                    }

                    files.Add((trailRegion, bucket, item.Key));
                    bytes += item.Size ?? 0;

                    // Quotas: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-quotas.html
                    if (files.Count > options.MaxLogFiles || bytes > options.MaxLogBytes)
                    {
                        throw new JobFailure(JobErrorCode.ServiceQuotaExceeded,
                            $"The CloudTrail data in the time range exceeds the quota of {options.MaxLogFiles} log files or {options.MaxLogBytes} bytes per policy generation. Reduce the time range.");
                    }
                }
            }
        }

        var analysis = new ActivityAnalysis(job.PrincipalArn, job.StartTime, job.EndTime, options);
        foreach (var group in files.GroupBy(f => f.Region))
        {
            using var s3 = standIn.CreateS3Client(roleCredentials, group.Key);
            foreach (var (_, bucket, key) in group)
            {
                await ReadLogFileAsync(s3, bucket, key, analysis, token).ConfigureAwait(false);
            }
        }

        return analysis.Findings;
    }

    private async Task<AWSCredentials> AssumeAccessRoleAsync(PolicyGenerationJob job, CancellationToken token)
    {
        var roleName = job.AccessRole[(job.AccessRole.LastIndexOf('/') + 1)..];
        string trustPolicy;
        try
        {
            trustPolicy = await moto.GetRoleTrustPolicyAsync(standIn.ServiceCredentials, roleName, token).ConfigureAwait(false);
        }
        catch (MotoCallException ex) when (ex.Code == "NoSuchEntity")
        {
            throw RoleNotAssumable(job);
        }

        // moto does not evaluate service principals in trust policies, so the trust that AWS checks
        // when the service assumes the role is checked here.
        if (!TrustPolicy.AllowsService(trustPolicy, AnalyzerServicePrincipal))
        {
            throw RoleNotAssumable(job);
        }

        try
        {
            using var sts = standIn.CreateStsClient(standIn.ServiceCredentials, "us-east-1");
            var response = await sts.AssumeRoleAsync(
                new AssumeRoleRequest { RoleArn = job.AccessRole, RoleSessionName = "AccessAnalyzer-" + job.JobId[..8], DurationSeconds = 3600 },
                token).ConfigureAwait(false);
            var c = response.Credentials;
            return new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
        }
        catch (AmazonServiceException ex) when ((int)ex.StatusCode >= 500)
        {
            // When moto enforces IAM it evaluates trust policies for AWS principals only and fails
            // on a service principal. The trust was checked above; moto's AssumeRoleWithWebIdentity
            // skips its trust evaluation and still issues credentials bound to the role, so the
            // role's own permission policies govern the reads as they do in AWS.
            return await moto.AssumeRoleWithoutTrustCheckAsync(standIn.ServiceCredentials, job.AccessRole, "AccessAnalyzer-" + job.JobId[..8], token).ConfigureAwait(false);
        }
        catch (AmazonServiceException)
        {
            throw RoleNotAssumable(job);
        }
    }

    private static JobFailure RoleNotAssumable(PolicyGenerationJob job) =>
        new(JobErrorCode.Authorization,
            $"IAM Access Analyzer is unable to assume the role {job.AccessRole}. Verify that the role exists and its trust policy allows {AnalyzerServicePrincipal} to perform sts:AssumeRole.");

    private async Task<(string Bucket, string? Prefix)> GetTrailAsync(AWSCredentials roleCredentials, string trailArn, CancellationToken token)
    {
        try
        {
            return await moto.GetTrailAsync(roleCredentials, trailArn, token).ConfigureAwait(false);
        }
        catch (MotoCallException ex) when (ex.Code is "TrailNotFoundException" or "TrailNotFound")
        {
            throw new JobFailure(JobErrorCode.ResourceNotFound, $"The trail {trailArn} does not exist.");
        }
        catch (MotoCallException ex) when (ex.StatusCode is 401 or 403 || ex.Code.Contains("AccessDenied", StringComparison.Ordinal))
        {
            throw new JobFailure(JobErrorCode.Authorization, $"The access role is not allowed to call cloudtrail:GetTrail on {trailArn}: {ex.Message}");
        }
    }

    private static async IAsyncEnumerable<S3Object> ListLogFilesAsync(
        IAmazonS3 s3, string bucket, string prefix, PolicyGenerationJob job, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        // Date folders are delivery days; a record can be delivered up to a day after it happened.
        var firstDay = job.StartTime.UtcDateTime.Date;
        var lastDay = job.EndTime.UtcDateTime.Date.AddDays(1);
        string? continuation = null;
        do
        {
            ListObjectsV2Response page;
            try
            {
                page = await s3.ListObjectsV2Async(
                    new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = continuation }, token).ConfigureAwait(false);
            }
            catch (AmazonS3Exception ex)
            {
                throw S3Failure(ex, bucket, prefix);
            }

            foreach (var item in page.S3Objects ?? [])
            {
                if (item.Key.EndsWith(".json.gz", StringComparison.Ordinal) && IsInDays(item.Key, prefix, firstDay, lastDay))
                {
                    yield return item;
                }
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
    }

    // Key after the CloudTrail/ folder: {region}/{yyyy}/{mm}/{dd}/{file}.
    private static bool IsInDays(string key, string listPrefix, DateTime firstDay, DateTime lastDay)
    {
        var marker = key.IndexOf("/CloudTrail/", StringComparison.Ordinal);
        var rest = marker < 0 ? key[listPrefix.Length..] : key[(marker + "/CloudTrail/".Length)..];
        var parts = rest.Split('/');
        if (parts.Length < 5 || !int.TryParse(parts[1], out var year) || !int.TryParse(parts[2], out var month)
            || !int.TryParse(parts[3], out var day))
        {
            return false;
        }

        try
        {
            var date = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Utc);
            return date >= firstDay && date <= lastDay;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static async Task ReadLogFileAsync(IAmazonS3 s3, string bucket, string key, ActivityAnalysis analysis, CancellationToken token)
    {
        GetObjectResponse response;
        try
        {
            response = await s3.GetObjectAsync(bucket, key, token).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex)
        {
            throw S3Failure(ex, bucket, key);
        }

        using (response)
        {
            using var buffer = new MemoryStream();
            await using (var gzip = new GZipStream(response.ResponseStream, CompressionMode.Decompress))
            {
                await gzip.CopyToAsync(buffer, token).ConfigureAwait(false);
            }

            try
            {
                using var document = JsonDocument.Parse(buffer.ToArray());
                analysis.AddLogFile(document.RootElement);
            }
            catch (JsonException)
            {
                // A corrupt file does not stop the generation, as it would not in a real trail bucket.
            }
        }
    }

    private static JobFailure S3Failure(AmazonS3Exception ex, string bucket, string keyOrPrefix) => ex.ErrorCode switch
    {
        "NoSuchBucket" => new JobFailure(JobErrorCode.ResourceNotFound, $"The trail bucket {bucket} does not exist."),
        "NoSuchKey" => new JobFailure(JobErrorCode.ResourceNotFound, $"The log file s3://{bucket}/{keyOrPrefix} does not exist."),
        _ when ex.StatusCode == System.Net.HttpStatusCode.Forbidden || ex.ErrorCode == "AccessDenied" =>
            new JobFailure(JobErrorCode.Authorization, $"The access role is not allowed to read s3://{bucket}/{keyOrPrefix}: {ex.Message}"),
        _ => new JobFailure(JobErrorCode.Service, $"Reading s3://{bucket}/{keyOrPrefix} failed: {ex.Message}"),
    };
}
