namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// ARN templates of the resource types the stand-in's workloads touch, and which actions support
/// which types (Service Authorization Reference, "Resource types defined by ..." and the actions
/// tables). A small embedded table, independent of the engine's catalog; an action missing here
/// is treated as having no resource-level support (Resource "*").
/// </summary>
public static class ResourceTemplates
{
    // Per service: "type NAME TEMPLATE" declares a resource type, "NAME Action Action ..." lists
    // the actions acting on it. Types are listed in the order statements should appear.
    private const string Table = """
        service s3
        type bucket arn:${Partition}:s3:::${BucketName}
        type object arn:${Partition}:s3:::${BucketName}/${ObjectName}
        bucket CreateBucket DeleteBucket ListBucket ListBucketVersions ListBucketMultipartUploads GetBucketLocation
        bucket GetBucketPolicy PutBucketPolicy DeleteBucketPolicy GetBucketPolicyStatus GetBucketAcl PutBucketAcl
        bucket GetBucketTagging PutBucketTagging GetBucketVersioning PutBucketVersioning GetEncryptionConfiguration
        bucket PutEncryptionConfiguration GetBucketPublicAccessBlock PutBucketPublicAccessBlock GetBucketOwnershipControls
        bucket PutBucketOwnershipControls GetLifecycleConfiguration PutLifecycleConfiguration GetBucketCORS PutBucketCORS
        bucket GetBucketLogging PutBucketLogging GetBucketNotification PutBucketNotification GetBucketWebsite
        bucket PutBucketWebsite DeleteBucketWebsite GetReplicationConfiguration PutReplicationConfiguration
        bucket GetAccelerateConfiguration PutAccelerateConfiguration GetBucketRequestPayment
        bucket GetBucketObjectLockConfiguration PutBucketObjectLockConfiguration PutBucketRequestPayment
        bucket GetIntelligentTieringConfiguration PutIntelligentTieringConfiguration GetInventoryConfiguration
        bucket PutInventoryConfiguration GetMetricsConfiguration PutMetricsConfiguration GetAnalyticsConfiguration
        bucket PutAnalyticsConfiguration
        object GetObject PutObject DeleteObject GetObjectAcl PutObjectAcl GetObjectTagging PutObjectTagging
        object DeleteObjectTagging GetObjectVersion DeleteObjectVersion ListMultipartUploadParts AbortMultipartUpload
        object GetObjectAttributes RestoreObject GetObjectVersionAcl PutObjectVersionAcl GetObjectVersionTagging
        object PutObjectVersionTagging DeleteObjectVersionTagging GetObjectRetention PutObjectRetention
        object GetObjectLegalHold PutObjectLegalHold BypassGovernanceRetention GetObjectVersionAttributes
        service iam
        type user arn:${Partition}:iam::${Account}:user/${UserNameWithPath}
        type role arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}
        type policy arn:${Partition}:iam::${Account}:policy/${PolicyNameWithPath}
        type group arn:${Partition}:iam::${Account}:group/${GroupNameWithPath}
        type instance-profile arn:${Partition}:iam::${Account}:instance-profile/${InstanceProfileNameWithPath}
        user CreateUser DeleteUser GetUser UpdateUser TagUser UntagUser ListUserTags CreateAccessKey DeleteAccessKey
        user ListAccessKeys UpdateAccessKey AttachUserPolicy DetachUserPolicy ListAttachedUserPolicies PutUserPolicy
        user GetUserPolicy DeleteUserPolicy ListUserPolicies ListGroupsForUser PutUserPermissionsBoundary
        user DeleteUserPermissionsBoundary CreateLoginProfile DeleteLoginProfile GetLoginProfile ListMFADevices
        user ListSigningCertificates ListSSHPublicKeys ListServiceSpecificCredentials
        role CreateRole DeleteRole GetRole UpdateRole UpdateRoleDescription UpdateAssumeRolePolicy TagRole UntagRole
        role ListRoleTags AttachRolePolicy DetachRolePolicy ListAttachedRolePolicies PutRolePolicy GetRolePolicy
        role DeleteRolePolicy ListRolePolicies PassRole PutRolePermissionsBoundary DeleteRolePermissionsBoundary
        role ListInstanceProfilesForRole CreateServiceLinkedRole DeleteServiceLinkedRole
        policy CreatePolicy DeletePolicy GetPolicy GetPolicyVersion CreatePolicyVersion DeletePolicyVersion
        policy ListPolicyVersions SetDefaultPolicyVersion TagPolicy UntagPolicy ListPolicyTags ListEntitiesForPolicy
        group CreateGroup DeleteGroup GetGroup UpdateGroup AddUserToGroup RemoveUserFromGroup AttachGroupPolicy
        group DetachGroupPolicy ListAttachedGroupPolicies PutGroupPolicy GetGroupPolicy DeleteGroupPolicy ListGroupPolicies
        instance-profile CreateInstanceProfile DeleteInstanceProfile GetInstanceProfile AddRoleToInstanceProfile
        instance-profile RemoveRoleFromInstanceProfile TagInstanceProfile UntagInstanceProfile
        service sts
        type role arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}
        type user arn:${Partition}:iam::${Account}:user/${UserNameWithPath}
        role AssumeRole AssumeRoleWithWebIdentity AssumeRoleWithSAML TagSession
        user GetFederationToken
        service cloudtrail
        type trail arn:${Partition}:cloudtrail:${Region}:${Account}:trail/${TrailName}
        trail CreateTrail DeleteTrail GetTrail GetTrailStatus StartLogging StopLogging UpdateTrail PutEventSelectors
        trail GetEventSelectors PutInsightSelectors GetInsightSelectors AddTags RemoveTags ListTags
        service dynamodb
        type table arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}
        table CreateTable DeleteTable DescribeTable UpdateTable PutItem GetItem UpdateItem DeleteItem Query Scan
        table BatchGetItem BatchWriteItem ConditionCheckItem DescribeTimeToLive UpdateTimeToLive TagResource
        table UntagResource ListTagsOfResource DescribeContinuousBackups UpdateContinuousBackups
        service lambda
        type function arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}
        function CreateFunction DeleteFunction GetFunction GetFunctionConfiguration UpdateFunctionCode
        function UpdateFunctionConfiguration InvokeFunction AddPermission RemovePermission GetPolicy
        function ListVersionsByFunction PublishVersion CreateAlias ListAliases TagResource UntagResource ListTags
        function PutFunctionConcurrency DeleteFunctionConcurrency GetFunctionCodeSigningConfig
        service kms
        type key arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}
        type alias arn:${Partition}:kms:${Region}:${Account}:alias/${Alias}
        key DescribeKey Encrypt Decrypt GenerateDataKey GenerateDataKeyWithoutPlaintext ReEncryptFrom ReEncryptTo
        key EnableKeyRotation DisableKeyRotation GetKeyRotationStatus GetKeyPolicy PutKeyPolicy ScheduleKeyDeletion
        key CancelKeyDeletion EnableKey DisableKey TagResource UntagResource ListResourceTags CreateGrant ListGrants
        key CreateAlias DeleteAlias UpdateAlias
        alias CreateAlias DeleteAlias UpdateAlias
        service sns
        type topic arn:${Partition}:sns:${Region}:${Account}:${TopicName}
        topic CreateTopic DeleteTopic Publish Subscribe GetTopicAttributes SetTopicAttributes ListSubscriptionsByTopic
        topic TagResource UntagResource ListTagsForResource AddPermission RemovePermission
        service sqs
        type queue arn:${Partition}:sqs:${Region}:${Account}:${QueueName}
        queue CreateQueue DeleteQueue GetQueueUrl GetQueueAttributes SetQueueAttributes SendMessage ReceiveMessage
        queue DeleteMessage PurgeQueue ChangeMessageVisibility TagQueue UntagQueue ListQueueTags AddPermission
        queue RemovePermission ListDeadLetterSourceQueues
        service logs
        type log-group arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}
        type log-stream arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}
        log-group CreateLogGroup DeleteLogGroup DescribeLogGroups DescribeLogStreams DescribeMetricFilters
        log-group PutRetentionPolicy DeleteRetentionPolicy CreateLogStream DeleteLogStream TagLogGroup UntagLogGroup
        log-group ListTagsLogGroup FilterLogEvents PutMetricFilter DeleteMetricFilter AssociateKmsKey TagResource
        log-group UntagResource ListTagsForResource
        log-stream PutLogEvents GetLogEvents
        service ec2
        type instance arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}
        type image arn:${Partition}:ec2:${Region}::image/${ImageId}
        type key-pair arn:${Partition}:ec2:${Region}:${Account}:key-pair/${KeyPairName}
        type network-interface arn:${Partition}:ec2:${Region}:${Account}:network-interface/${NetworkInterfaceId}
        type security-group arn:${Partition}:ec2:${Region}:${Account}:security-group/${SecurityGroupId}
        type subnet arn:${Partition}:ec2:${Region}:${Account}:subnet/${SubnetId}
        type volume arn:${Partition}:ec2:${Region}:${Account}:volume/${VolumeId}
        type vpc arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}
        instance RunInstances StartInstances StopInstances TerminateInstances RebootInstances ModifyInstanceAttribute
        instance AttachVolume DetachVolume
        image RunInstances
        key-pair RunInstances DeleteKeyPair
        network-interface RunInstances
        security-group RunInstances CreateSecurityGroup DeleteSecurityGroup AuthorizeSecurityGroupIngress
        security-group AuthorizeSecurityGroupEgress RevokeSecurityGroupIngress RevokeSecurityGroupEgress
        subnet RunInstances CreateSubnet DeleteSubnet
        volume RunInstances AttachVolume DetachVolume CreateVolume DeleteVolume
        vpc CreateSecurityGroup CreateSubnet CreateVpc DeleteVpc
        """;

    private static readonly Dictionary<string, int> TemplateOrder = new(StringComparer.Ordinal);

    private static readonly Dictionary<string, IReadOnlyList<string>> TemplatesByAction = Parse();

    /// <summary>Every service prefix the table describes.</summary>
    public static IReadOnlySet<string> Services { get; } =
        TemplatesByAction.Keys.Select(a => a[..a.IndexOf(':', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The ARN templates an action applies to, in table order, with <c>${Partition}</c> filled in
    /// as Access Analyzer does; empty when the action has no resource-level support here.
    /// </summary>
    public static IReadOnlyList<string> For(string action, string partition = "aws") =>
        TemplatesByAction.TryGetValue(action, out var templates)
            ? templates.Select(t => t.Replace("${Partition}", partition, StringComparison.Ordinal)).ToArray()
            : [];

    /// <summary>Every action the table lists.</summary>
    public static IEnumerable<string> AllActions => TemplatesByAction.Keys;

    /// <summary>Whether the table lists the action.</summary>
    public static bool Knows(string action) => TemplatesByAction.ContainsKey(action);

    /// <summary>Position of a (partition-filled) template in the table, for a stable statement order.</summary>
    public static int OrderOf(string template, string partition = "aws")
    {
        var generic = template.Replace("arn:" + partition + ":", "arn:${Partition}:", StringComparison.Ordinal);
        return TemplateOrder.TryGetValue(generic, out var index) ? index : int.MaxValue;
    }

    private static Dictionary<string, IReadOnlyList<string>> Parse()
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var service = string.Empty;
        var types = new Dictionary<string, (int Order, string Template)>(StringComparer.Ordinal);
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var raw in Table.Split('\n'))
        {
            var parts = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length < 2)
            {
                continue;
            }

            if (parts[0] == "service")
            {
                service = parts[1];
                types.Clear();
                continue;
            }

            if (parts[0] == "type")
            {
                types[parts[1]] = (types.Count, parts[2]);
                TemplateOrder.TryAdd(parts[2], TemplateOrder.Count);
                continue;
            }

            var (typeOrder, template) = types[parts[0]];
            foreach (var name in parts.Skip(1))
            {
                var action = service + ":" + name;
                if (!result.TryGetValue(action, out var list))
                {
                    result[action] = list = [];
                }

                if (!list.Contains(template))
                {
                    list.Add(template);
                    order[action + "|" + template] = typeOrder;
                }
            }
        }

        return result.ToDictionary(
            kv => kv.Key,
            kv => (IReadOnlyList<string>)kv.Value.OrderBy(t => order[kv.Key + "|" + t]).ToArray(),
            StringComparer.Ordinal);
    }
}
