namespace LeastPriv.Core.Catalog;

/// <summary>
/// The curated data behind <see cref="EventActionMapper"/>: where CloudTrail's eventSource/eventName
/// differ from the IAM prefix/action. Every action named here is checked against the catalog when a
/// mapper is built (rows that do not resolve are dropped and listed in <see cref="EventActionMapper.RejectedRules"/>).
/// </summary>
/// <remarks>
/// Sources: the AWS Service Authorization Reference; the S3 operation docs in the AWS S3 API model
/// (each operation names the s3: action it needs); the IAM user guide pages cited per row; the
/// eventSource exceptions observed in public CloudTrail tooling
/// (iann0036/iam-dataset <c>cloudtrail_service_mappings</c>, MIT; flosell/trailscraper, Apache-2.0).
/// </remarks>
internal static class EventMappingRules
{
    /// <summary>eventSource host (without ".amazonaws.com") whose IAM prefix differs from its last label.</summary>
    public static readonly IReadOnlyDictionary<string, string> SourcePrefixExceptions =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            // CloudWatch metrics and alarms are served from monitoring.amazonaws.com
            // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/logging_cw_api_calls.html).
            ["monitoring"] = "cloudwatch",
            ["amazonmq"] = "mq",
            ["opensearchservice"] = "es",
            ["pricelist"] = "pricing",
            ["tagging"] = "tag",
            ["rdsdata"] = "rds-data",
            ["pinpoint"] = "mobiletargeting",
            ["migrationhub"] = "mgh",
            ["qconnect"] = "wisdom",
            ["cloudcontrolapi"] = "cloudformation",
            ["application-insights"] = "applicationinsights",
            ["contact-lens"] = "connect",
            ["participant-connect"] = "connect",
            ["chime-sdk-media-pipelines"] = "chime",
            ["chime-sdk-voice"] = "chime",
            ["servicecatalog-appregistry"] = "servicecatalog",
            ["billingconsole"] = "billing",
            ["taxconsole"] = "tax",
            ["transcribestreaming"] = "transcribe",
            ["agreement-marketplace"] = "aws-marketplace",
            ["discovery-marketplace"] = "aws-marketplace",
            ["marketplacecatalog"] = "aws-marketplace",
            ["reporting-marketplace"] = "aws-marketplace",
            ["management-marketplace"] = "aws-marketplace-management",
            ["appstream2"] = "appstream",
            ["models.lex"] = "lex",
            ["runtime.lex"] = "lex",
            ["mturk-requester"] = "mechanicalturk",
            ["streams.dynamodb"] = "dynamodb",
        };

    /// <summary>One curated row: (IAM prefix, eventName) -> what the call needs.</summary>
    internal sealed class Rule
    {
        public Rule(string prefix, string eventName, EventMappingKind kind, string[] actions, string? note)
        {
            Prefix = prefix;
            EventName = eventName;
            Kind = kind;
            Actions = actions;
            Note = note;
        }

        public string Prefix { get; }

        public string EventName { get; }

        public EventMappingKind Kind { get; }

        /// <summary>"prefix:Name" actions (Kind Actions only).</summary>
        public string[] Actions { get; }

        public string? Note { get; }

        public override string ToString() => Prefix + ":" + EventName;
    }

    private const string S3DeleteMeansPut =
        "S3 has no separate Delete permission for this bucket configuration; deleting it needs the Put action.";

    public static IReadOnlyList<Rule> All { get; } = Build();

    private static Rule[] Build()
    {
        var rules = new List<Rule>();

        void Map(string prefix, string eventName, string note, params string[] actions) =>
            rules.Add(new Rule(prefix, eventName, EventMappingKind.Actions, actions, note.Length == 0 ? null : note));

        void S3(string eventName, params string[] actions) =>
            rules.Add(new Rule("s3", eventName, EventMappingKind.Actions, actions.Select(a => "s3:" + a).ToArray(), null));

        void S3Note(string eventName, string note, params string[] actions) =>
            rules.Add(new Rule("s3", eventName, EventMappingKind.Actions, actions.Select(a => "s3:" + a).ToArray(), note));

        void Free(string prefix, string eventName, string note) =>
            rules.Add(new Rule(prefix, eventName, EventMappingKind.NoPermissionRequired, Array.Empty<string>(), note));

        void Internal(string prefix, string eventName, string note) =>
            rules.Add(new Rule(prefix, eventName, EventMappingKind.NotAnAction, Array.Empty<string>(), note));

        // Calls whose actions depend on the request body: reported with the reason instead of guessed.
        void DependsOnRequest(string prefix, string eventName, string note) =>
            rules.Add(new Rule(prefix, eventName, EventMappingKind.Unmapped, Array.Empty<string>(), note));

        // ---- S3: operation names that differ from the action they need (per-operation docs in the
        // S3 API reference, https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
        S3("ListObjects", "ListBucket");
        S3Note("ListObjectsV2", "CloudTrail usually records ListObjectsV2 as ListObjects.", "ListBucket");
        S3("HeadBucket", "ListBucket");
        S3("ListObjectVersions", "ListBucketVersions");
        S3Note("HeadObject", "s3:ListBucket additionally decides whether a missing key returns 404 rather than 403.", "GetObject");
        S3("ListBuckets", "ListAllMyBuckets");
        S3Note("DeleteObjects", "Deleting specific versions also needs s3:DeleteObjectVersion.", "DeleteObject");
        S3Note("CopyObject", "s3:GetObject on the source object, s3:PutObject on the target.", "GetObject", "PutObject");
        S3Note("UploadPartCopy", "s3:GetObject on the source object, s3:PutObject on the target.", "GetObject", "PutObject");
        S3("CreateMultipartUpload", "PutObject");
        S3("UploadPart", "PutObject");
        S3("CompleteMultipartUpload", "PutObject");
        S3("ListMultipartUploads", "ListBucketMultipartUploads");
        S3("ListParts", "ListMultipartUploadParts");
        S3("SelectObjectContent", "GetObject");
        S3("GetBucketAccelerateConfiguration", "GetAccelerateConfiguration");
        S3("PutBucketAccelerateConfiguration", "PutAccelerateConfiguration");
        S3("GetBucketAnalyticsConfiguration", "GetAnalyticsConfiguration");
        S3("ListBucketAnalyticsConfigurations", "GetAnalyticsConfiguration");
        S3("PutBucketAnalyticsConfiguration", "PutAnalyticsConfiguration");
        S3Note("DeleteBucketAnalyticsConfiguration", S3DeleteMeansPut, "PutAnalyticsConfiguration");
        S3("GetBucketCors", "GetBucketCORS");
        S3("PutBucketCors", "PutBucketCORS");
        S3Note("DeleteBucketCors", S3DeleteMeansPut, "PutBucketCORS");
        S3("GetBucketEncryption", "GetEncryptionConfiguration");
        S3("PutBucketEncryption", "PutEncryptionConfiguration");
        S3Note("DeleteBucketEncryption", S3DeleteMeansPut, "PutEncryptionConfiguration");
        S3("GetBucketInventoryConfiguration", "GetInventoryConfiguration");
        S3("ListBucketInventoryConfigurations", "GetInventoryConfiguration");
        S3("PutBucketInventoryConfiguration", "PutInventoryConfiguration");
        S3Note("DeleteBucketInventoryConfiguration", S3DeleteMeansPut, "PutInventoryConfiguration");
        S3("GetBucketMetricsConfiguration", "GetMetricsConfiguration");
        S3("ListBucketMetricsConfigurations", "GetMetricsConfiguration");
        S3("PutBucketMetricsConfiguration", "PutMetricsConfiguration");
        S3Note("DeleteBucketMetricsConfiguration", S3DeleteMeansPut, "PutMetricsConfiguration");
        S3("GetBucketIntelligentTieringConfiguration", "GetIntelligentTieringConfiguration");
        S3("ListBucketIntelligentTieringConfigurations", "GetIntelligentTieringConfiguration");
        S3("PutBucketIntelligentTieringConfiguration", "PutIntelligentTieringConfiguration");
        S3Note("DeleteBucketIntelligentTieringConfiguration", S3DeleteMeansPut, "PutIntelligentTieringConfiguration");
        S3("GetBucketLifecycle", "GetLifecycleConfiguration");
        S3("GetBucketLifecycleConfiguration", "GetLifecycleConfiguration");
        S3("PutBucketLifecycle", "PutLifecycleConfiguration");
        S3("PutBucketLifecycleConfiguration", "PutLifecycleConfiguration");
        S3Note("DeleteBucketLifecycle", S3DeleteMeansPut, "PutLifecycleConfiguration");
        S3("GetBucketNotificationConfiguration", "GetBucketNotification");
        S3("PutBucketNotificationConfiguration", "PutBucketNotification");
        S3("GetBucketReplication", "GetReplicationConfiguration");
        S3("PutBucketReplication", "PutReplicationConfiguration");
        S3Note("DeleteBucketReplication", S3DeleteMeansPut, "PutReplicationConfiguration");
        S3Note("DeleteBucketTagging", S3DeleteMeansPut, "PutBucketTagging");
        S3Note("DeleteBucketOwnershipControls", S3DeleteMeansPut, "PutBucketOwnershipControls");
        S3("GetPublicAccessBlock", "GetBucketPublicAccessBlock");
        S3("PutPublicAccessBlock", "PutBucketPublicAccessBlock");
        S3Note("DeletePublicAccessBlock", S3DeleteMeansPut, "PutBucketPublicAccessBlock");
        S3Note("DeleteBucketPublicAccessBlock", S3DeleteMeansPut, "PutBucketPublicAccessBlock");
        S3("GetObjectLockConfiguration", "GetBucketObjectLockConfiguration");
        S3("PutObjectLockConfiguration", "PutBucketObjectLockConfiguration");

        // ---- Calls authorised under another name or by several actions.
        // Lambda data events are recorded as "Invoke"
        // (https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html).
        Map("lambda", "Invoke", string.Empty, "lambda:InvokeFunction");
        Map("lambda", "InvokeWithResponseStream", string.Empty, "lambda:InvokeFunction");

        // https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
        Map("kms", "ReEncrypt", "kms:ReEncryptFrom on the source key, kms:ReEncryptTo on the destination key.", "kms:ReEncryptFrom", "kms:ReEncryptTo");

        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html
        Map(
            "secretsmanager",
            "BatchGetSecretValue",
            "Also needs secretsmanager:ListSecrets when filters are used and kms:Decrypt for secrets under customer managed keys.",
            "secretsmanager:BatchGetSecretValue",
            "secretsmanager:GetSecretValue");

        // TransactGetItems reads with GetItem permission on each table
        // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
        Map("dynamodb", "TransactGetItems", string.Empty, "dynamodb:GetItem");

        // PartiQL and write transactions need one action per statement or item
        // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html).
        DependsOnRequest("dynamodb", "ExecuteStatement", "Needs dynamodb:PartiQLSelect/PartiQLInsert/PartiQLUpdate/PartiQLDelete according to the statement.");
        DependsOnRequest("dynamodb", "BatchExecuteStatement", "Needs dynamodb:PartiQLSelect/PartiQLInsert/PartiQLUpdate/PartiQLDelete according to each statement.");
        DependsOnRequest("dynamodb", "ExecuteTransaction", "Needs dynamodb:PartiQLSelect/PartiQLInsert/PartiQLUpdate/PartiQLDelete according to each statement.");
        DependsOnRequest("dynamodb", "TransactWriteItems", "Needs dynamodb:PutItem/UpdateItem/DeleteItem/ConditionCheckItem according to each item.");

        // ---- Calls that need no permission.
        Free("sts", "GetCallerIdentity", "No permission is needed; an explicit Deny on sts:GetCallerIdentity has no effect (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).");
        Free("sts", "GetSessionToken", "No permission is needed to get a session token (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html).");
        Free("dynamodb", "DescribeEndpoints", "Endpoint discovery needs no permission (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeEndpoints.html).");

        // ---- Events that are not calls a policy can allow.
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html (sign-in events)
        const string SignIn = "AWS sign-in event, not authorised by an IAM policy.";
        foreach (var name in new[]
                 {
                     "ConsoleLogin", "CheckMfa", "SwitchRole", "ExitRole", "RenewRole", "CredentialChallenge",
                     "CredentialVerification", "UserAuthentication", "PasswordRecoveryRequested",
                     "PasswordRecoveryCompleted", "GetSigninToken",
                 })
        {
            Internal("signin", name, SignIn);
        }

        // AWS access portal calls are authorised by the portal's bearer token, not by IAM policies
        // (https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/Welcome.html).
        const string Portal = "AWS access portal call, authorised by the IAM Identity Center sign-in token rather than an IAM policy.";
        foreach (var name in new[] { "GetRoleCredentials", "ListAccounts", "ListAccountRoles", "Logout" })
        {
            Internal("sso", name, Portal);
        }

        // The OIDC device-authorisation calls are unauthenticated
        // (https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/Welcome.html).
        foreach (var name in new[] { "RegisterClient", "StartDeviceAuthorization", "CreateToken" })
        {
            Free("sso-oauth", name, "IAM Identity Center OIDC call that takes no AWS credentials.");
        }

        // AwsServiceEvent records written by AWS itself
        // (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/non-api-aws-service-events.html).
        Internal("ec2", "SharedSnapshotVolumeCreated", "AWS service event: a snapshot shared with the account was used to create a volume.");
        Internal("ec2", "SharedSnapshotCopyInitiated", "AWS service event: a snapshot shared with the account was copied.");
        Internal("kms", "RotateKey", "AWS service event: KMS rotated key material automatically (the caller action is kms:RotateKeyOnDemand).");
        Internal("kms", "DeleteExpiredKeyMaterial", "AWS service event: KMS deleted expired imported key material.");

        return rules.ToArray();
    }

    /// <summary>
    /// API Gateway management calls are authorised as apigateway:GET/POST/PUT/PATCH/DELETE on the
    /// resource path, not by operation name
    /// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-create-and-manage-api.html).
    /// The verb is the REST method of the operation (API Gateway REST API reference and the v2
    /// reference): Get/Export -> GET, Create/Import/Generate/TestInvoke -> POST, Update -> PATCH,
    /// Put/Tag -> PUT, Delete/Flush/Reset/Untag -> DELETE, with the listed exceptions.
    /// </summary>
    public static string? ApiGatewayVerb(string eventName)
    {
        if (ApiGatewayVerbExceptions.TryGetValue(eventName, out var verb))
        {
            return verb;
        }

        foreach (var (prefix, prefixVerb) in ApiGatewayVerbByPrefix)
        {
            if (eventName.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return prefixVerb;
            }
        }

        return null;
    }

    private static readonly Dictionary<string, string> ApiGatewayVerbExceptions = new(StringComparer.OrdinalIgnoreCase)
    {
        // PUT /v2/apis, PUT /v2/apis/{apiId}, PUT /restapis/{restapi_id}/documentation/parts
        ["ImportApi"] = "PUT",
        ["ReimportApi"] = "PUT",
        ["ImportDocumentationParts"] = "PUT",
    };

    private static readonly (string Prefix, string Verb)[] ApiGatewayVerbByPrefix =
    {
        ("Get", "GET"),
        ("Export", "GET"),
        ("Create", "POST"),
        ("Import", "POST"),
        ("Generate", "POST"),
        ("TestInvoke", "POST"),
        ("Update", "PATCH"),
        ("Put", "PUT"),
        ("TagResource", "PUT"),
        ("Delete", "DELETE"),
        ("Flush", "DELETE"),
        ("Reset", "DELETE"),
        ("UntagResource", "DELETE"),
    };
}
