namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// Actions ValidatePolicy can vouch for, for the services the stand-in's workloads use: every
/// action of <see cref="ResourceTemplates"/> plus the actions below that act on no resource type.
/// Actions of these services outside the lists are reported as INVALID_ACTION, so the lists lean
/// to inclusion; other services are not checked at action level.
/// </summary>
public static class KnownActions
{
    private const string ResourcelessActions = """
        s3 ListAllMyBuckets GetAccountPublicAccessBlock PutAccountPublicAccessBlock ListAccessPoints CreateJob ListJobs
        s3 ListStorageLensConfigurations CreateAccessPoint GetAccessPoint DeleteAccessPoint
        iam ListUsers ListRoles ListPolicies ListGroups GetAccountSummary ListAccountAliases CreateAccountAlias
        iam DeleteAccountAlias GetAccountAuthorizationDetails ListInstanceProfiles GetServiceLastAccessedDetails
        iam GenerateServiceLastAccessedDetails GetServiceLastAccessedDetailsWithEntities GetAccountPasswordPolicy
        iam UpdateAccountPasswordPolicy DeleteAccountPasswordPolicy ListOpenIDConnectProviders ListSAMLProviders
        iam GetOpenIDConnectProvider CreateOpenIDConnectProvider DeleteOpenIDConnectProvider GetSAMLProvider
        iam GetCredentialReport GenerateCredentialReport ListVirtualMFADevices CreateVirtualMFADevice
        iam DeleteVirtualMFADevice EnableMFADevice DeactivateMFADevice ResyncMFADevice SimulateCustomPolicy
        iam SimulatePrincipalPolicy GetContextKeysForCustomPolicy GetContextKeysForPrincipalPolicy
        iam ListServerCertificates GetServiceLinkedRoleDeletionStatus ListPoliciesGrantingServiceAccess
        iam GetAccessKeyLastUsed ChangePassword UpdateLoginProfile UploadSSHPublicKey UploadSigningCertificate
        iam ListEntitiesForPolicy GetOrganizationsAccessReport
        sts GetCallerIdentity GetSessionToken DecodeAuthorizationMessage GetAccessKeyInfo GetServiceBearerToken
        sts SetSourceIdentity
        cloudtrail DescribeTrails ListTrails LookupEvents ListPublicKeys GetEventDataStore ListEventDataStores
        cloudtrail ListChannels ListQueries CreateEventDataStore StartQuery GetQueryResults DescribeQuery ListImports
        dynamodb ListTables DescribeLimits ListBackups ListGlobalTables DescribeEndpoints ListStreams DescribeStream
        dynamodb GetRecords GetShardIterator ListContributorInsights DescribeReservedCapacity
        lambda ListFunctions GetAccountSettings CreateEventSourceMapping ListEventSourceMappings GetEventSourceMapping
        lambda UpdateEventSourceMapping DeleteEventSourceMapping ListLayers ListLayerVersions GetLayerVersion
        lambda PublishLayerVersion ListCodeSigningConfigs InvokeAsync GetAlias UpdateAlias DeleteAlias
        lambda GetFunctionConcurrency ListFunctionUrlConfigs CreateFunctionUrlConfig GetFunctionUrlConfig
        kms CreateKey ListKeys ListAliases GenerateRandom CreateCustomKeyStore DescribeCustomKeyStores
        kms ListRetirableGrants RetireGrant RevokeGrant Sign Verify GetPublicKey GenerateMac VerifyMac ListKeyPolicies
        sns ListTopics ListSubscriptions Unsubscribe GetSubscriptionAttributes SetSubscriptionAttributes
        sns ConfirmSubscription CreatePlatformApplication ListPlatformApplications CheckIfPhoneNumberIsOptedOut
        sns GetSMSAttributes SetSMSAttributes ListPhoneNumbersOptedOut OptInPhoneNumber
        sqs ListQueues
        logs DescribeDestinations DescribeExportTasks DescribeQueries StartQuery StopQuery GetQueryResults
        logs DescribeResourcePolicies PutResourcePolicy DeleteResourcePolicy TestMetricFilter CreateExportTask
        logs GetLogRecord Link
        ec2 CreateTags DeleteTags CreateKeyPair ImportKeyPair AllocateAddress ReleaseAddress AssociateAddress
        ec2 DisassociateAddress CreateInternetGateway AttachInternetGateway DetachInternetGateway
        ec2 DeleteInternetGateway CreateRouteTable CreateRoute DeleteRoute DeleteRouteTable AssociateRouteTable
        ec2 DisassociateRouteTable CreateNatGateway DeleteNatGateway ModifyVpcAttribute ModifySubnetAttribute
        ec2 CreateNetworkInterface DeleteNetworkInterface CreateLaunchTemplate DeleteLaunchTemplate CreateSnapshot
        ec2 DeleteSnapshot CreateImage DeregisterImage GetConsoleOutput MonitorInstances UnmonitorInstances
        """;

    private static readonly HashSet<string> Resourceless = Parse();

    /// <summary>Services whose actions are checked one by one.</summary>
    public static IReadOnlySet<string> CheckedServices => ResourceTemplates.Services;

    /// <summary>Whether a concrete (wildcard-free) action of a checked service exists.</summary>
    public static bool Exists(string action)
    {
        if (ResourceTemplates.Knows(action) || Resourceless.Contains(action))
        {
            return true;
        }

        // EC2 has hundreds of Describe* actions, all acting on no resource type.
        return action.StartsWith("ec2:Describe", StringComparison.Ordinal);
    }

    /// <summary>Every known action of a service (for wildcard matching).</summary>
    public static IEnumerable<string> Of(string service) =>
        Resourceless.Concat(ResourceTemplates.AllActions).Where(a => a.StartsWith(service + ":", StringComparison.Ordinal));

    private static HashSet<string> Parse()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in ResourcelessActions.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var name in parts.Skip(1))
            {
                set.Add(parts[0] + ":" + name);
            }
        }

        return set;
    }
}
