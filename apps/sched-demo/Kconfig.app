config APP_SCHED_DEMO
	bool "sched-demo: tasks contending for a mutex and a semaphore, and the scheduler's behaviour"
	select TASK
	select SYNC
