/**
 * Plausible outputs for the AWS resources and invokes this platform uses, for `npm run plan`, tests
 * and benchmarks under {@link PlanEngine}. Deterministic: the same name always gives the same ids and
 * addresses, so plans can be compared.
 */
import * as crypto from "node:crypto";
import { type OutputMock, type PlatformMocks, wrapSecret } from "../../kit/mocks";

function digest(seed: string): Buffer {
    return crypto.createHash("sha256").update(seed).digest();
}

function hexId(prefix: string, seed: string, length = 17): string {
    return `${prefix}-${digest(seed).toString("hex").slice(0, length)}`;
}

function regionOf(inputs: Record<string, unknown>): string {
    return typeof inputs.region === "string" ? inputs.region : "us-east-1";
}

const ACCOUNT = "111122223333";

function arn(service: string, inputs: Record<string, unknown>, resource: string): string {
    return `arn:aws:${service}:${regionOf(inputs)}:${ACCOUNT}:${resource}`;
}

/**
 * The private DNS name EC2 gives an address (us-east-1 has its own domain).
 * @param ip - the private IPv4 address
 * @param region - the instance's region
 */
export function privateDnsName(ip: string, region: string): string {
    const domain = region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`;
    return `ip-${ip.replace(/\./g, "-")}.${domain}`;
}

/**
 * A node address, stable per name, inside 10.0.0.0/16.
 * @param name - the resource name
 */
export function mockPrivateIp(name: string): string {
    const d = digest(name);
    return `10.0.${d[0]}.${(d[1] % 250) + 4}`;
}

const outputs: Record<string, OutputMock> = {
    "aws:ec2/vpc:Vpc": (inputs, name) => ({
        arn: arn("ec2", inputs, `vpc/${hexId("vpc", name)}`),
        defaultSecurityGroupId: hexId("sg", `${name}-default`),
        mainRouteTableId: hexId("rtb", `${name}-main`),
    }),
    "aws:ec2/subnet:Subnet": (inputs, name) => ({ arn: arn("ec2", inputs, `subnet/${hexId("subnet", name)}`) }),
    "aws:ec2/internetGateway:InternetGateway": (inputs, name) => ({ arn: arn("ec2", inputs, `internet-gateway/${hexId("igw", name)}`) }),
    "aws:ec2/routeTable:RouteTable": (inputs, name) => ({ arn: arn("ec2", inputs, `route-table/${hexId("rtb", name)}`) }),
    "aws:ec2/eip:Eip": (inputs, name) => {
        const d = digest(name);
        return {
            publicIp: `198.51.100.${(d[0] % 250) + 1}`,
            allocationId: hexId("eipalloc", name),
            arn: arn("ec2", inputs, `elastic-ip/${hexId("eipalloc", name)}`),
        };
    },
    "aws:ec2/natGateway:NatGateway": (_inputs, name) => ({ privateIp: mockPrivateIp(name), networkInterfaceId: hexId("eni", name) }),
    "aws:ec2/securityGroup:SecurityGroup": (inputs, name) => ({
        arn: arn("ec2", inputs, `security-group/${hexId("sg", name)}`),
        name: inputs.name ?? `${name}-${digest(name).toString("hex").slice(0, 7)}`,
    }),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (_inputs, name) => ({ securityGroupRuleId: hexId("sgr", name) }),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (_inputs, name) => ({ securityGroupRuleId: hexId("sgr", name) }),
    "aws:lb/loadBalancer:LoadBalancer": (inputs, name) => {
        const lbName = `${name.slice(0, 24)}-${digest(name).toString("hex").slice(0, 7)}`;
        return {
            name: lbName,
            arn: arn("elasticloadbalancing", inputs, `loadbalancer/net/${lbName}/${digest(name).toString("hex").slice(0, 16)}`),
            dnsName: `${lbName}-${digest(`${name}-dns`).toString("hex").slice(0, 16)}.elb.${regionOf(inputs)}.amazonaws.com`,
            zoneId: "Z26RNL4JYFTOTI",
        };
    },
    "aws:lb/targetGroup:TargetGroup": (inputs, name) => ({
        arn: arn("elasticloadbalancing", inputs, `targetgroup/${name.slice(0, 24)}/${digest(name).toString("hex").slice(0, 16)}`),
    }),
    "aws:lb/listener:Listener": (inputs, name) => ({
        arn: arn("elasticloadbalancing", inputs, `listener/net/${name}/${digest(name).toString("hex").slice(0, 16)}`),
    }),
    "aws:route53/zone:Zone": (_inputs, name) => {
        const d = digest(name);
        const zoneId = `Z${d.toString("hex").slice(0, 19).toUpperCase()}`;
        // Route 53 draws the four servers from its awsdns-00..63 pools (.com, .net, .org, .co.uk).
        const nameServers = ["com", "net", "org", "co.uk"].map(
            (tld, i) => `ns-${(d[i] * 8) % 2048}.awsdns-${String(d[i] % 64).padStart(2, "0")}.${tld}`,
        );
        return { zoneId, arn: `arn:aws:route53:::hostedzone/${zoneId}`, nameServers, primaryNameServer: nameServers[0] };
    },
    "aws:route53/record:Record": (inputs) => ({ fqdn: String(inputs.name ?? "") }),
    "aws:ec2/instance:Instance": (inputs, name) => {
        const ip = mockPrivateIp(name);
        const instanceId = hexId("i", name);
        // The engine assigns physical ids itself (`<name>-id`); the EC2-shaped id is in the ARN and
        // the `id` field for whoever reads raw state.
        return {
            id: instanceId,
            arn: arn("ec2", inputs, `instance/${instanceId}`),
            privateIp: ip,
            privateDns: privateDnsName(ip, regionOf(inputs)),
            // EC2 gives a public address only where asked (topology: public), from its own pool.
            ...(inputs.associatePublicIpAddress === true ? { publicIp: `203.0.113.${(digest(name)[1] % 250) + 1}` } : {}),
            availabilityZone: inputs.availabilityZone ?? `${regionOf(inputs)}a`,
            instanceState: "running",
            primaryNetworkInterfaceId: hexId("eni", name),
        };
    },
    "aws:iam/role:Role": (inputs, name) => {
        const roleName = (inputs.name as string | undefined) ?? `${name}-${digest(name).toString("hex").slice(0, 7)}`;
        return { name: roleName, arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, uniqueId: hexId("AROA", name, 16).toUpperCase() };
    },
    "aws:iam/instanceProfile:InstanceProfile": (inputs, name) => {
        const profileName = (inputs.name as string | undefined) ?? `${name}-${digest(name).toString("hex").slice(0, 7)}`;
        return { name: profileName, arn: `arn:aws:iam::${ACCOUNT}:instance-profile/${profileName}` };
    },
};

const calls: NonNullable<PlatformMocks["calls"]> = {
    "aws:ssm/getParameter:getParameter": (inputs) => {
        const name = String(inputs.name);
        const value = hexId("ami", name);
        return {
            id: name,
            name,
            arn: `arn:aws:ssm:${regionOf(inputs)}::parameter${name}`,
            type: "String",
            // As the provider does: `value` is always secret, `insecureValue` never.
            value: wrapSecret(value),
            insecureValue: value,
            version: 1,
            withDecryption: true,
            region: regionOf(inputs),
        };
    },
};

/** The AWS platform's mocks. */
const awsMocks: PlatformMocks = { outputs, calls };

export default awsMocks;
