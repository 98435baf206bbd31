config APP_SCHED_DEMO
	bool "sched-demo: tasks contending for a mutex and a semaphore, and the scheduler's behaviour"
	select TASK
	select SYNC
	help
	  Tasks contending for a mutex and a semaphore, then the chosen
	  scheduler's behaviour checked by counting turns and CPU shares
	  (configs/apps/sched-demo-{rr,fifo,fair}.config pick the policy).
