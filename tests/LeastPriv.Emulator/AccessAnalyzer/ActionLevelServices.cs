namespace LeastPriv.Emulator.AccessAnalyzer;

/// <summary>
/// Service prefixes for which policy generation lists the actions it saw (action level). Any other
/// service appears only through last-accessed data (service level) and makes the result incomplete.
/// Snapshot of "IAM Access Analyzer policy generation services" (2023):
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation-action-last-accessed-support.html
/// </summary>
public static class ActionLevelServices
{
    public static IReadOnlySet<string> Default { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "access-analyzer", "account", "airflow", "amplify", "amplifyuibuilder", "app-integrations", "appflow",
        "application-cost-profiler", "appsync", "aps", "athena", "aws-marketplace", "batch", "braket", "cloud9",
        "cloudformation", "cloudsearch", "cloudtrail", "cloudwatch", "codeartifact", "codeguru-profiler",
        "codeguru-reviewer", "codestar", "codestar-notifications", "cognito-identity", "cognito-idp", "cognito-sync",
        "compute-optimizer", "connect", "cur", "databrew", "dataexchange", "datapipeline", "dax", "devicefarm",
        "devops-guru", "directconnect", "dlm", "dms", "ds", "dynamodb", "ebs", "ec2", "ecr", "ecr-public", "ecs", "eks",
        "elastic-inference", "elasticbeanstalk", "elasticfilesystem", "elasticloadbalancing", "elastictranscoder",
        "emr-containers", "es", "evidently", "finspace", "firehose", "fis", "fms", "geo", "grafana", "greengrass",
        "groundstation", "guardduty", "healthlake", "iam", "identitystore", "imagebuilder", "inspector", "inspector2",
        "iotdeviceadvisor", "iotfleethub", "iottwinmaker", "ivs", "kafka", "kafkaconnect", "kinesis", "kms", "lambda",
        "lightsail", "logs", "lookoutequipment", "lookoutmetrics", "lookoutvision", "managedblockchain", "mediaconnect",
        "mediaconvert", "medialive", "mediatailor", "memorydb", "mgh", "mgn", "migrationhub-strategy", "mobiletargeting",
        "mq", "networkmanager", "nimble", "opsworks", "outposts", "panorama", "pi", "polly", "profile", "qldb", "ram",
        "rbin", "rds", "redshift-data", "resource-groups", "route53-recovery-control-config",
        "route53-recovery-readiness", "route53resolver", "rum", "s3", "s3-outposts", "savingsplans", "schemas", "sdb",
        "secretsmanager", "securityhub", "servicediscovery", "servicequotas", "ses", "shield", "signer", "sms",
        "sms-voice", "snowball", "sqs", "ssm", "ssm-incidents", "sts", "swf", "synthetics", "tag", "textract",
        "timestream", "transcribe", "translate", "wellarchitected", "wisdom", "worklink",
    };
}
