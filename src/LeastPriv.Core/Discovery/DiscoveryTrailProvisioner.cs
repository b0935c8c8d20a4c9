using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Util;
using LeastPriv.Core.Aws;
using LeastPriv.Core.Reporting;

namespace LeastPriv.Core.Discovery;

/// <summary>
/// Creates the dedicated trail of a discovery session: the bucket (CloudTrail bucket policy,
/// public access block, bucket-owner-enforced ownership, default encryption, session tag), the
/// IAM Access Analyzer service role, the trail with its event selectors, and starts logging.
/// Every resource is planned in the manifest before it is created.
/// </summary>
public sealed class DiscoveryTrailProvisioner
{
    private readonly AwsContext _context;
    private readonly IIamApi _iam;
    private readonly SessionStore _store;
    private readonly IEngineReporter _reporter;
    private readonly ICallerIdentityLookup _identity;

    public DiscoveryTrailProvisioner(AwsContext context, IIamApi iam, SessionStore store, IEngineReporter reporter, ICallerIdentityLookup? identity = null)
    {
        _context = context;
        _iam = iam;
        _store = store;
        _reporter = reporter;
        _identity = identity ?? StsCallerIdentityLookup.Instance;
    }

    /// <summary>
    /// Loads the session and checks it can take a trail; throws the typed error otherwise. No AWS call.
    /// </summary>
    public static SessionManifest LoadSession(SessionStore store, DiscoveryTrailRequest request)
    {
        DiscoveryTrailPlanner.Validate(request);
        var manifest = store.Load(request.SessionId);
        if (manifest.State == DiscoverySessionState.Removed)
        {
            throw new LeastPrivException(
                "DiscoverySessionRemoved",
                LPErrorCategory.InvalidOperation,
                $"The discovery session '{manifest.SessionId}' has been removed; its principal no longer exists.",
                manifest.SessionId)
            {
                RecommendedAction = "Create a new session with New-LPDiscoveryUser or New-LPDiscoveryRole.",
            };
        }

        if (manifest.Trail is { } existing && HasLiveTrailResources(manifest))
        {
            throw new LeastPrivException(
                "DiscoveryTrailExists",
                LPErrorCategory.ResourceExists,
                $"The discovery session '{manifest.SessionId}' already has the trail '{existing.TrailName}' (s3://{existing.BucketName}). A session has one trail.",
                manifest.SessionId)
            {
                RecommendedAction = "Use the existing trail, or remove it first (Remove-LPDiscoveryResources removes the whole session).",
            };
        }

        return manifest;
    }

    /// <summary>
    /// Creates the trail and what it needs. Null when ShouldProcess declined (-WhatIf): then
    /// nothing was called and the manifest is unchanged.
    /// </summary>
    public async Task<LPDiscoveryTrail?> CreateAsync(DiscoveryTrailRequest request, SessionManifest manifest, CancellationToken cancellationToken)
    {
        DiscoveryTrailPlanner.Validate(request);

        // The names are decided before asking: the account comes from the manifest when it has one.
        var preview = manifest.AccountId is null ? null : DiscoveryTrailPlanner.Plan(request, manifest.AccountId, _context.Region ?? manifest.Region);
        var target = preview is null
            ? $"CloudTrail trail '{request.TrailName ?? DiscoveryTrailPlanner.DefaultTrailName(request.SessionId)}' of session {request.SessionId}"
            : $"CloudTrail trail '{preview.TrailName}' ({Scope(preview)}, home {preview.HomeRegion}) of session {request.SessionId}";
        var action = preview is null
            ? "Create the trail, its S3 bucket and the IAM Access Analyzer service role, and start logging"
            : $"Create S3 bucket '{preview.BucketName}', IAM role '{preview.AccessRoleName}' for IAM Access Analyzer and the trail"
              + (preview.DataEvents.Count == 0 ? string.Empty : $" with {string.Join(", ", preview.DataEvents)} data events")
              + ", and start logging";
        if (!_reporter.ShouldProcess(target, action))
        {
            return null;
        }

        var caller = await _identity.GetAsync(_context, cancellationToken).ConfigureAwait(false);
        if (manifest.AccountId is not null && !string.Equals(manifest.AccountId, caller.Account, StringComparison.Ordinal))
        {
            throw new LeastPrivException(
                "DiscoverySessionAccountMismatch",
                LPErrorCategory.InvalidOperation,
                $"The session '{manifest.SessionId}' belongs to account {manifest.AccountId}, but the credentials are of account {caller.Account}.",
                manifest.SessionId)
            {
                RecommendedAction = "Use credentials of the session's account (-ProfileName).",
            };
        }

        var plan = DiscoveryTrailPlanner.Plan(request, caller.Account, _context.Region ?? manifest.Region);
        foreach (var warning in DiscoveryTrailPlanner.Warnings(plan))
        {
            _reporter.Warning(warning);
        }

        var home = string.Equals(_context.Region, plan.HomeRegion, StringComparison.Ordinal) ? _context : _context.WithRegion(plan.HomeRegion);
        var cloudTrail = home.CreateCloudTrailClient();
        using var s3 = home.CreateS3Client();
        await EnsureFreeAsync(plan, cloudTrail, s3, cancellationToken).ConfigureAwait(false);

        var recorder = new SessionRecorder(_store, manifest);
        var tag = recorder.SessionTag;
        manifest.AccountId ??= caller.Account;
        manifest.Trail = new ManifestTrail
        {
            TrailName = plan.TrailName,
            TrailArn = plan.TrailArn,
            HomeRegion = plan.HomeRegion,
            IsMultiRegionTrail = plan.IsMultiRegionTrail,
            Regions = plan.Regions.ToList(),
            BucketName = plan.BucketName,
            S3KeyPrefix = plan.S3KeyPrefix,
            DataEvents = plan.DataEvents.ToList(),
            AccessRoleName = plan.AccessRoleName,
            AccessRoleArn = plan.AccessRoleArn,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        recorder.Save();

        // 1. The bucket, configured before anything can write to it.
        var bucket = recorder.Plan(DiscoveryResourceType.TrailBucket, plan.BucketName, arn: plan.BucketArn);
        await recorder.CreateAsync(bucket, () => CreateBucketAsync(s3, plan, tag, cancellationToken)).ConfigureAwait(false);
        _reporter.Verbose($"Created S3 bucket {plan.BucketName} in {plan.HomeRegion}: public access blocked, bucket owner enforced, SSE-S3, CloudTrail bucket policy for {plan.TrailArn}, tagged {tag}.");

        // 2. The role IAM Access Analyzer reads the bucket with.
        var role = recorder.Plan(DiscoveryResourceType.ServiceRole, plan.AccessRoleName, arn: plan.AccessRoleArn);
        await recorder.CreateAsync(
            role,
            () => _iam.CreateRoleAsync(
                new IamCreateRoleRequest
                {
                    RoleName = plan.AccessRoleName,
                    Path = plan.AccessRolePath,
                    AssumeRolePolicyDocument = TrailPolicyDocuments.AccessRoleTrustPolicy(plan),
                    Description = $"IAM Access Analyzer reads the CloudTrail logs of LeastPriv session {plan.SessionId}",
                    Tags = new List<AwsTag> { tag },
                },
                cancellationToken),
            r => role.Arn = r.Arn).ConfigureAwait(false);
        var rolePolicy = recorder.Plan(DiscoveryResourceType.RoleInlinePolicy, plan.AccessRolePolicyName, plan.AccessRoleName);
        await recorder.CreateAsync(rolePolicy, () => _iam.PutRolePolicyAsync(plan.AccessRoleName, plan.AccessRolePolicyName, TrailPolicyDocuments.AccessRolePolicy(plan), cancellationToken)).ConfigureAwait(false);
        _reporter.Verbose($"Created IAM role {role.Arn} trusted by {TrailPolicyDocuments.AccessAnalyzerServicePrincipal}, with read access to s3://{plan.BucketName}/{TrailPolicyDocuments.LogKeyPrefix(plan)} and cloudtrail:GetTrail.");

        // 3. The trail; CreateTrail does not start logging.
        var trailEntry = recorder.Plan(DiscoveryResourceType.Trail, plan.TrailName, arn: plan.TrailArn);
        var trail = await recorder.CreateAsync(
            trailEntry,
            () => cloudTrail.CreateTrailAsync(
                new CloudTrailCreateTrailRequest
                {
                    Name = plan.TrailName,
                    S3BucketName = plan.BucketName,
                    S3KeyPrefix = plan.S3KeyPrefix,
                    IsMultiRegionTrail = plan.IsMultiRegionTrail,
                    IncludeGlobalServiceEvents = true,
                    TagsList = new List<AwsTag> { tag },
                },
                cancellationToken),
            t =>
            {
                trailEntry.Arn = t.TrailARN ?? plan.TrailArn;
                manifest.Trail.TrailArn = trailEntry.Arn;
            }).ConfigureAwait(false);
        await cloudTrail.PutEventSelectorsAsync(plan.TrailName, null, EventSelectors(plan), cancellationToken).ConfigureAwait(false);
        await cloudTrail.StartLoggingAsync(plan.TrailName, cancellationToken).ConfigureAwait(false);
        var status = await cloudTrail.GetTrailStatusAsync(plan.TrailName, cancellationToken).ConfigureAwait(false);
        recorder.Save();
        _reporter.Verbose($"Created trail {trailEntry.Arn} ({Scope(plan)}), event selectors: management events{(plan.DataEvents.Count == 0 ? string.Empty : " + " + string.Join(", ", plan.DataEvents) + " data events")}; logging: {status.IsLogging}.");

        return new LPDiscoveryTrail
        {
            SessionId = plan.SessionId,
            TrailName = trail.Name.Length == 0 ? plan.TrailName : trail.Name,
            TrailArn = trailEntry.Arn ?? plan.TrailArn,
            HomeRegion = plan.HomeRegion,
            IsMultiRegionTrail = plan.IsMultiRegionTrail,
            AllRegions = plan.AllRegions,
            Regions = plan.Regions,
            BucketName = plan.BucketName,
            S3KeyPrefix = plan.S3KeyPrefix,
            DataEvents = plan.DataEvents,
            AccessRoleName = plan.AccessRoleName,
            AccessRoleArn = role.Arn ?? plan.AccessRoleArn,
            AccountId = plan.AccountId,
            IsLogging = status.IsLogging,
            CreatedAt = manifest.Trail.CreatedAt,
        };
    }

    /// <summary>
    /// Advanced event selectors: every management event, and the data events asked for. S3 data
    /// events leave out the trail's own bucket, whose log deliveries would otherwise log themselves
    /// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html).
    /// </summary>
    public static IReadOnlyList<CloudTrailAdvancedEventSelector> EventSelectors(DiscoveryTrailPlan plan)
    {
        var selectors = new List<CloudTrailAdvancedEventSelector>
        {
            new()
            {
                Name = "Management events",
                FieldSelectors = { new CloudTrailAdvancedFieldSelector { Field = "eventCategory", EqualTo = new List<string> { "Management" } } },
            },
        };
        foreach (var kind in plan.DataEvents)
        {
            var selector = new CloudTrailAdvancedEventSelector
            {
                Name = kind + " data events",
                FieldSelectors =
                {
                    new CloudTrailAdvancedFieldSelector { Field = "eventCategory", EqualTo = new List<string> { "Data" } },
                    new CloudTrailAdvancedFieldSelector { Field = "resources.type", EqualTo = new List<string> { DataResourceType(kind) } },
                },
            };
            if (kind == "S3")
            {
                selector.FieldSelectors.Add(new CloudTrailAdvancedFieldSelector { Field = "resources.ARN", NotStartsWith = new List<string> { plan.BucketArn + "/" } });
            }

            selectors.Add(selector);
        }

        return selectors;
    }

    /// <summary>The CloudTrail resource type of a data event kind.</summary>
    public static string DataResourceType(string kind) => kind switch
    {
        "S3" => "AWS::S3::Object",
        "Lambda" => "AWS::Lambda::Function",
        "DynamoDB" => "AWS::DynamoDB::Table",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a data event kind."),
    };

    private static string Scope(DiscoveryTrailPlan plan) => plan switch
    {
        { AllRegions: true } => "multi-region, every region",
        { IsMultiRegionTrail: true } => "multi-region, generation reads " + string.Join(", ", plan.Regions),
        _ => "single-region " + plan.HomeRegion,
    };

    private static bool HasLiveTrailResources(SessionManifest manifest)
        => manifest.Resources.Any(r => r.Type is DiscoveryResourceType.Trail or DiscoveryResourceType.TrailBucket or DiscoveryResourceType.ServiceRole && !r.IsGone);

    /// <summary>Refuses names already taken, before anything is created (nothing to clean up then).</summary>
    private async Task EnsureFreeAsync(DiscoveryTrailPlan plan, ICloudTrailApi cloudTrail, IAmazonS3 s3, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await cloudTrail.GetTrailAsync(plan.TrailName, cancellationToken).ConfigureAwait(false);
            throw new LeastPrivException(
                "DiscoveryTrailNameTaken",
                LPErrorCategory.ResourceExists,
                $"A CloudTrail trail named '{plan.TrailName}' already exists in {plan.HomeRegion} ({existing.TrailARN}).",
                plan.TrailName)
            {
                RecommendedAction = "Choose another -TrailName.",
            };
        }
        catch (AwsServiceException ex) when (ex.NormalizedCode == "TrailNotFound")
        {
        }

        var bucketExists = await S3Calls.RunAsync("HeadBucket", plan.BucketName, () => AmazonS3Util.DoesS3BucketExistV2Async(s3, plan.BucketName)).ConfigureAwait(false);
        if (bucketExists)
        {
            throw new LeastPrivException(
                "DiscoveryTrailBucketExists",
                LPErrorCategory.ResourceExists,
                $"The S3 bucket '{plan.BucketName}' already exists (bucket names are global). A discovery trail writes into a bucket of its own.",
                plan.BucketName)
            {
                RecommendedAction = "Choose another -BucketName.",
            };
        }

        try
        {
            var role = await _iam.GetRoleAsync(plan.AccessRoleName, cancellationToken).ConfigureAwait(false);
            throw new LeastPrivException(
                "DiscoveryServiceRoleExists",
                LPErrorCategory.ResourceExists,
                $"The IAM role '{plan.AccessRoleName}' already exists ({role.Arn}).",
                plan.AccessRoleName);
        }
        catch (AwsServiceException ex) when (ex.NormalizedCode == "NoSuchEntity")
        {
        }
    }

    private static async Task CreateBucketAsync(IAmazonS3 s3, DiscoveryTrailPlan plan, AwsTag tag, CancellationToken ct)
    {
        var name = plan.BucketName;
        var create = new PutBucketRequest { BucketName = name };
        if (plan.HomeRegion != "us-east-1")
        {
            // us-east-1 takes no LocationConstraint; every other region needs one. Given as the
            // region name itself: the SDK's region helpers turn eu-west-1 into the legacy "EU",
            // which regional endpoints refuse (IllegalLocationConstraintException).
            create.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(plan.HomeRegion) };
        }

        await S3Calls.RunAsync("CreateBucket", name, () => s3.PutBucketAsync(create, ct)).ConfigureAwait(false);
        await S3Calls.RunAsync("PutBucketTagging", name, () => s3.PutBucketTaggingAsync(
            new PutBucketTaggingRequest { BucketName = name, TagSet = new List<Tag> { new() { Key = tag.Key, Value = tag.Value } } },
            ct)).ConfigureAwait(false);
        await S3Calls.RunAsync("PutPublicAccessBlock", name, () => s3.PutPublicAccessBlockAsync(
            new PutPublicAccessBlockRequest
            {
                BucketName = name,
                PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
                {
                    BlockPublicAcls = true,
                    IgnorePublicAcls = true,
                    BlockPublicPolicy = true,
                    RestrictPublicBuckets = true,
                },
            },
            ct)).ConfigureAwait(false);
        await S3Calls.RunAsync("PutBucketOwnershipControls", name, () => s3.PutBucketOwnershipControlsAsync(
            new PutBucketOwnershipControlsRequest
            {
                BucketName = name,
                OwnershipControls = new OwnershipControls { Rules = new List<OwnershipControlsRule> { new() { ObjectOwnership = ObjectOwnership.BucketOwnerEnforced } } },
            },
            ct)).ConfigureAwait(false);
        await S3Calls.RunAsync("PutBucketEncryption", name, () => s3.PutBucketEncryptionAsync(
            new PutBucketEncryptionRequest
            {
                BucketName = name,
                ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
                {
                    ServerSideEncryptionRules = new List<ServerSideEncryptionRule>
                    {
                        new() { ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 } },
                    },
                },
            },
            ct)).ConfigureAwait(false);
        await S3Calls.RunAsync("PutBucketPolicy", name, () => s3.PutBucketPolicyAsync(
            new PutBucketPolicyRequest { BucketName = name, Policy = TrailPolicyDocuments.CloudTrailBucketPolicy(plan) },
            ct)).ConfigureAwait(false);
    }
}
