/**
 * The curated bilingual glossary of operations terms that bridges Chinese and English in the
 * lexical embedder (lexical-embedder.ts): every term of a line, in either language, becomes the
 * same concept feature, so "磁盘空间不足" and "disk space low" share `disk`, `space` and `low`.
 *
 * One line per concept: `concept | English terms | Chinese terms`, terms separated by commas.
 * English terms may be phrases ("replication lag"); they are matched on stemmed words, so list
 * one form ("certificate" also matches "certificates"). Chinese terms are matched as substrings
 * of the text (and taught to the segmenter as words). Kept by hand: add a line when a team's
 * vocabulary is missed (docs/ai.md). Written for this project; no dictionary was copied.
 */
const GLOSSARY_TEXT = `
disk | disk, disks, drive, volume, hdd, ssd, storage device | 磁盘, 硬盘, 盘符, 云盘, 数据盘, 系统盘
space | space, capacity, free space, usage | 空间, 容量, 使用率, 占用
full | full, filled up, exhausted, no space left | 满, 写满, 占满, 耗尽, 打满
low | low, insufficient, shortage, running out, not enough | 不足, 不够, 偏低, 紧张, 过低
high | high, spike, surge, elevated, soaring | 高, 飙升, 过高, 偏高, 暴涨, 升高, 激增
inode | inode, inodes | 索引节点, inode
filesystem | filesystem, file system, mount, mount point | 文件系统, 挂载, 挂载点
partition | partition | 分区
raid | raid, array degraded | 阵列, 磁盘阵列
io | io, i/o, iops, disk io, io wait, iowait | 读写, 磁盘io, io等待, 吞吐
memory | memory, ram, mem, heap | 内存, 堆内存, 运存
oom | oom, out of memory, oom killer, oomkilled | 内存溢出, 内存不足, oom
leak | leak, leaking | 泄漏, 泄露
swap | swap, swapping | 交换分区, 交换空间
cpu | cpu, processor, load average, cpu usage | cpu, 处理器, 负载, cpu使用率
thread | thread, threads | 线程
process | process, daemon | 进程, 守护进程
hang | hang, hung, stuck, frozen, freeze, unresponsive | 卡死, 卡住, 夯住, 无响应, 假死
crash | crash, crashed, segfault, core dump, panic | 崩溃, 宕掉, 挂掉, 段错误, 闪退
restart | restart, reboot, bounce, restarted | 重启, 重新启动
start | start, startup, boot | 启动, 开机
stop | stop, shutdown, halt | 停止, 关机, 停机
down | down, outage, unavailable, offline, unreachable, not reachable | 宕机, 不可用, 下线, 离线, 不可达, 挂了, 故障
recover | recover, recovery, restore, restored, back to normal | 恢复, 还原, 回滚恢复
failover | failover, switchover, fail over | 故障切换, 主备切换, 切主, 容灾切换
timeout | timeout, timed out, time out, deadline exceeded | 超时
latency | latency, slow response, response time, delay | 延迟, 延时, 响应时间, 响应慢, 时延
slow | slow, sluggish, degraded performance | 慢, 缓慢, 变慢, 卡顿
error | error, errors, failure, fail, failed, failing, exception | 错误, 报错, 失败, 异常, 出错
5xx | 5xx, 500, 502, 503, 504, bad gateway, gateway timeout, internal server error | 5xx, 网关错误, 服务器内部错误
4xx | 4xx, 404, not found, 403, forbidden, 401, unauthorized | 4xx, 未找到, 禁止访问, 未授权
connection | connection, connections, connect, connectivity | 连接, 连不上, 链接
connection_pool | connection pool, pool exhausted, pool | 连接池
refused | refused, connection refused, reject, rejected | 拒绝, 被拒绝, 拒绝连接
reset | connection reset, reset by peer | 连接重置, 连接被重置
packet_loss | packet loss, dropped packets, packet drop | 丢包
network | network, networking, net | 网络, 网卡, 网络抖动
bandwidth | bandwidth, throughput, traffic | 带宽, 流量
jitter | jitter, flapping, flap, unstable | 抖动, 不稳定, 时好时坏
dns | dns, resolve, resolution, nameserver, resolver, domain name | dns, 域名解析, 解析失败, 域名
domain | domain, hostname | 域名, 主机名
ip | ip, ip address | ip, ip地址
port | port, ports | 端口
firewall | firewall, iptables, security group, acl | 防火墙, 安全组, 访问控制
vpn | vpn, tunnel | vpn, 隧道, 专线
proxy | proxy, reverse proxy | 代理, 反向代理
load_balancer | load balancer, load balancing, lb, slb, elb, haproxy, lvs | 负载均衡, 负载均衡器
nginx | nginx, openresty, tengine | nginx
gateway | gateway, api gateway, ingress | 网关, 入口网关
cdn | cdn, edge | cdn, 内容分发
certificate | certificate, cert, ssl, tls, https certificate, x509 | 证书, ssl证书, 安全证书
expire | expire, expired, expiry, expiration, expiring | 过期, 到期, 失效
renew | renew, renewal, rotate, rotation | 续期, 续签, 更新证书, 轮换
database | database, db, rdbms | 数据库, 库
mysql | mysql, mariadb, innodb | mysql
postgres | postgres, postgresql, pg | postgresql, pg库
oracle | oracle | oracle, 甲骨文
sqlserver | sql server, mssql | sqlserver
mongodb | mongodb, mongo | mongodb
redis | redis, sentinel | redis, 缓存服务
cache | cache, caching, memcached | 缓存
kafka | kafka, broker, topic, partition lag | kafka, 消息队列
rabbitmq | rabbitmq, amqp | rabbitmq
queue | queue, message queue, mq, backlog | 队列, 消息积压, 积压
consumer | consumer, consumer group | 消费者, 消费组
lag | lag, behind, consumer lag | 滞后, 堆积
replication | replication, replica, slave, standby, secondary, follower | 主从, 复制, 从库, 备库, 副本
replication_lag | replication lag, replica lag, slave lag, seconds behind master | 主从延迟, 复制延迟, 从库延迟, 同步延迟
master | master, primary, leader | 主库, 主节点, 主
slow_query | slow query, slow queries, slow sql | 慢查询, 慢sql
deadlock | deadlock, lock wait, lock timeout | 死锁, 锁等待, 锁超时
lock | lock, locked | 锁, 锁表
index | index, indexes, indices | 索引
table | table, tables | 表, 数据表
query | query, queries, sql | 查询, 语句
transaction | transaction, transactions, commit | 事务, 提交
backup | backup, backups, snapshot, dump | 备份, 快照, 导出
binlog | binlog, wal, redo log, write ahead log | binlog, 归档日志, 重做日志
elasticsearch | elasticsearch, elastic, es cluster, opensearch | elasticsearch, es集群
cluster | cluster, clusters | 集群
node | node, nodes | 节点
shard | shard, shards, sharding | 分片
zookeeper | zookeeper, zk | zookeeper
etcd | etcd | etcd
kubernetes | kubernetes, k8s, kubectl | kubernetes, k8s, 容器编排
pod | pod, pods | pod, 容器组
container | container, containers, docker | 容器, docker
image | image, docker image | 镜像
crashloop | crashloopbackoff, crash loop, restart loop | 反复重启, 循环重启
evicted | evicted, eviction | 驱逐, 被驱逐
namespace | namespace | 命名空间
helm | helm, chart | helm
virtual_machine | vm, virtual machine, instance, ec2 | 虚拟机, 云主机, 实例, ecs
host | host, server, machine, bare metal | 主机, 服务器, 机器, 物理机
datacenter | datacenter, data center, idc, region, zone, availability zone | 机房, 数据中心, 可用区, 地域
power | power, power supply, psu, ups | 电源, 供电, 断电, 停电
hardware | hardware, motherboard, nic | 硬件, 主板
deploy | deploy, deployment, release, rollout, ship, publish | 发布, 部署, 上线, 发版, 灰度
rollback | rollback, roll back, revert, downgrade | 回滚, 回退, 降级
upgrade | upgrade, update, patch, patching | 升级, 补丁, 打补丁
migration | migration, migrate | 迁移
config | config, configuration, setting, settings, parameter | 配置, 参数, 设置
change | change, change request | 变更, 变更单
canary | canary, gray release, blue green | 金丝雀, 灰度发布, 蓝绿
build | build, ci, pipeline, jenkins, compile | 构建, 编译, 流水线, 持续集成
version | version, versions | 版本
alert | alert, alerts, alarm, alerting, page, paging, notification | 告警, 报警, 预警, 通知
monitor | monitor, monitoring, prometheus, grafana, zabbix, metric, metrics | 监控, 指标, 监测
log | log, logs, logging, syslog | 日志
disk_log | log rotation, logrotate | 日志轮转, 日志切割
threshold | threshold, limit | 阈值, 上限, 限制
incident | incident, incidents, outage ticket | 事故, 事件, 故障单
ticket | ticket, task, issue, request | 工单, 任务, 问题, 请求
oncall | on call, oncall, on-call, duty | 值班, 轮值
escalate | escalate, escalation | 升级处理, 上报, 升级告警
acknowledge | acknowledge, ack, acknowledged | 确认, 认领
resolve | resolve, resolved, fix, fixed | 解决, 修复, 已解决
runbook | runbook, playbook, sop, procedure, guide | 手册, 预案, 操作手册, 处理手册, 标准作业程序
postmortem | postmortem, post mortem, rca, root cause, review | 复盘, 根因, 事后分析, 根本原因
user | user, users, customer, customers | 用户, 客户
login | login, log in, sign in, signin, authentication, auth | 登录, 登陆, 认证, 鉴权
password | password, credential, credentials, secret | 密码, 凭据, 口令, 密钥
permission | permission, permissions, access denied, privilege | 权限, 无权限, 访问被拒
account | account, accounts | 账号, 帐号, 账户
ldap | ldap, active directory, ad, sso, oidc | ldap, 域控, 单点登录
api | api, endpoint, interface, rest | 接口, api
service | service, services, microservice, app, application | 服务, 应用, 微服务
website | website, site, web, homepage, page load | 网站, 官网, 页面, 首页
mobile | mobile, app store, ios, android | 移动端, 手机, 安卓
payment | payment, payments, checkout, billing | 支付, 付款, 计费, 账单
order | order, orders | 订单, 下单
email | email, mail, smtp, mailbox | 邮件, 邮箱
sms | sms, text message | 短信
file | file, files | 文件
upload | upload, uploads | 上传
download | download, downloads | 下载
storage | storage, object storage, s3, oss, bucket, nas, nfs, ceph | 存储, 对象存储, 存储桶
queue_full | queue full, backpressure | 队列满, 背压
rate_limit | rate limit, rate limiting, throttle, throttling, 429, too many requests | 限流, 限速, 频率限制, 请求过多
ddos | ddos, attack, flood | 攻击, ddos, 洪水攻击
security | security, vulnerability, cve, exploit | 安全, 漏洞, 安全漏洞
virus | virus, malware, ransomware, intrusion | 病毒, 木马, 勒索, 入侵
execute | run, execute, executed, execution, trigger | 执行, 运行, 触发, 跑
not_done | did not, didn't, not run, never, missed, skipped | 没有, 未, 没, 漏, 跳过
cron | cron, crontab, scheduled job, scheduler, batch job | 定时任务, 计划任务, 批处理
job | job, jobs | 作业
script | script, shell, bash | 脚本
ansible | ansible | ansible
time | time, clock, ntp, time sync, clock skew | 时间, 时钟, 时间同步, 时钟漂移
java | java, jvm, gc, garbage collection, full gc | java, jvm, 垃圾回收
gc | gc, garbage collection, full gc, gc pause | 垃圾回收, gc停顿, fullgc
python | python | python
node_runtime | nodejs, node.js | nodejs
php | php, php-fpm | php
tomcat | tomcat | tomcat
apache | apache, httpd | apache
linux | linux, centos, ubuntu, debian, rhel, kernel | linux, 内核
windows | windows, iis | windows
file_descriptor | file descriptor, too many open files, ulimit, fd | 文件句柄, 句柄数, 打开文件过多
zombie | zombie | 僵尸进程
load | load, workload | 负载, 压力
capacity_plan | scale, scaling, scale out, scale up, autoscaling, expansion | 扩容, 扩展, 弹性伸缩, 扩缩容
shrink | scale in, scale down, shrink | 缩容
health_check | health check, healthcheck, probe, liveness, readiness | 健康检查, 探活, 存活检查
sync | sync, synchronize, synchronization | 同步
data | data | 数据
loss | loss, lost, missing | 丢失, 缺失
corrupt | corrupt, corrupted, corruption, damaged | 损坏, 损毁
duplicate | duplicate, duplicated, dupe | 重复
inconsistent | inconsistent, inconsistency, mismatch | 不一致, 不匹配
report | report, reports, dashboard | 报表, 报告, 看板, 仪表盘
customer_complaint | complaint, complaints | 投诉, 客诉
printer | printer, printing | 打印机, 打印
wifi | wifi, wireless, wlan | 无线, wifi
office | office, laptop, desktop, computer, pc | 办公, 笔记本, 电脑, 台式机
vpn_access | remote access | 远程访问, 远程
onboarding | onboarding, new hire, new employee | 入职, 新员工
offboarding | offboarding, leaver | 离职
license | license, licence, licensing | 许可证, 授权许可, 许可
cost | cost, costs, budget, spend | 成本, 费用, 预算
vendor | vendor, supplier | 供应商, 厂商
cloud | cloud, aws, azure, gcp, aliyun, alibaba cloud, tencent cloud | 云, 阿里云, 腾讯云, 华为云
git | git, gitlab, github, repository, repo | git, 代码仓库, 仓库
test | test, testing, staging | 测试, 预发
production | production, prod, live | 生产, 线上, 生产环境
environment | environment, env | 环境
dev | development, dev | 开发, 开发环境
maintenance | maintenance, maintenance window | 维护, 维护窗口, 检修
freeze | freeze, change freeze | 封网, 冻结
approve | approve, approval, approved | 审批, 批准, 审核
cpu_throttle | throttled cpu, cpu throttling | cpu限流
temperature | temperature, overheating, overheat, fan | 温度, 过热, 风扇
battery | battery | 电池
ups_power | power outage, blackout | 停电, 断电
switch | switch, router, core switch, routing | 交换机, 路由器, 路由
bgp | bgp | bgp
ssh | ssh, sshd | ssh, 远程登录
cpu_steal | steal time | 争抢
queue_depth | queue depth | 队列深度
http | http, https, request, requests | 请求, http
response | response | 响应
session | session, sessions, cookie | 会话
token | token, tokens, jwt | 令牌, token
search | search | 搜索, 检索
import | import | 导入
export | export | 导出
traffic_spike | traffic spike, peak traffic, promotion | 流量高峰, 大促, 峰值
peak | peak | 高峰, 峰值
saturation | saturation, saturated | 饱和
memory_usage | memory usage, memory utilization | 内存使用率, 内存占用
disk_usage | disk usage, disk utilization, disk full | 磁盘使用率, 磁盘占用, 磁盘满
cert_expire | certificate expired, cert expiry | 证书过期, 证书到期
send | send, sending, sent | 发送, 发不出
receive | receive, receiving, received | 接收, 收不到
delay_delivery | delayed delivery | 投递延迟
write | write, writes, writing | 写入, 写
read | read, reads, reading | 读取, 读
readonly | read only, readonly, read-only | 只读
permission_denied | permission denied | 权限不足, 没有权限
quota | quota, quotas | 配额, 额度
message | message, messages | 消息
duplicate_message | duplicate messages | 重复消息
offset | offset, offsets | 位点, 偏移量
heartbeat | heartbeat, heartbeats | 心跳
split_brain | split brain, split-brain | 脑裂
election | election, leader election | 选主, 选举
consensus | quorum, consensus | 仲裁, 共识
cache_miss | cache miss, cache hit rate | 缓存命中率, 缓存未命中, 缓存穿透
cache_avalanche | cache avalanche, thundering herd | 缓存雪崩, 缓存击穿
big_key | big key, hot key | 大key, 热key
eviction_cache | maxmemory | 淘汰
cpu_high | high cpu, cpu spike | cpu高, cpu飙升, cpu过高
disk_low | low disk, disk space low, out of disk | 磁盘空间不足, 磁盘不足
`;

/** One concept and the terms that name it in either language. */
export interface GlossaryEntry {
  concept: string;
  en: readonly string[];
  zh: readonly string[];
}

function split(terms: string | undefined): string[] {
  return (terms ?? '')
    .split(',')
    .map((term) => term.trim().toLowerCase())
    .filter((term) => term !== '');
}

/** The glossary's entries, parsed once. */
export const glossary: readonly GlossaryEntry[] = GLOSSARY_TEXT.split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '')
  .map((line) => {
    const [concept, en, zh] = line.split('|');
    return { concept: concept!.trim(), en: split(en), zh: split(zh) };
  });
